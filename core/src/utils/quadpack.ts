/**
 * QUADPACK's QAGS (Piessens, de Doncker et al.): globally adaptive 21-point Gauss–Kronrod
 * integration with Wynn's epsilon extrapolation, as scipy's `integrate.quad` runs it on finite
 * intervals. Written out step for step, in the same operation order: results that gammapy
 * takes from `quad` with its loose default tolerances (1.49e-8) are then reproduced to the last
 * bits, not just to the tolerance (the disk model's normalisation depends on them).
 *
 * The work arrays are 1-based as in the Fortran, so that the index arithmetic reads the same.
 */

const EPMACH = 2.220446049250313e-16; // d1mach(4)
const UFLOW = 2.2250738585072014e-308; // d1mach(1)
const OFLOW = Number.MAX_VALUE; // d1mach(2)

// Gauss–Kronrod 21-point abscissae and weights on (−1, 1), positive half (QUADPACK's dqk21: its
// 33-digit values, as the nearest doubles, which is what the Fortran reads), with a leading
// placeholder for 1-based indexing.
const XGK = [
  0, 0.9956571630258081, 0.9739065285171717, 0.9301574913557082, 0.8650633666889845, 0.7808177265864169,
  0.6794095682990244, 0.5627571346686047, 0.4333953941292472, 0.2943928627014602, 0.14887433898163122, 0,
];
const WGK = [
  0, 0.011694638867371874, 0.032558162307964725, 0.054755896574351995, 0.07503967481091996, 0.0931254545836976,
  0.10938715880229764, 0.12349197626206584, 0.13470921731147334, 0.14277593857706009, 0.14773910490133849,
  0.1494455540029169,
];
const WG = [0, 0.06667134430868814, 0.1494513491505806, 0.21908636251598204, 0.26926671930999635, 0.29552422471475287];

export interface QuadResult {
  result: number;
  abserr: number;
  /** Function evaluations. */
  neval: number;
  /** QUADPACK's error flag (0: converged; see dqagse). */
  ier: number;
  /** Subintervals used. */
  last: number;
}

export interface QuadOptions {
  /** Absolute tolerance (scipy's default 1.49e-8). */
  epsabs?: number;
  /** Relative tolerance (scipy's default 1.49e-8). */
  epsrel?: number;
  /** Maximum number of subintervals (scipy's default 50). */
  limit?: number;
}

interface Kronrod {
  result: number;
  abserr: number;
  /** ∫|f| */
  resabs: number;
  /** ∫|f − mean| */
  resasc: number;
}

const FV1 = new Float64Array(11);
const FV2 = new Float64Array(11);

/** dqk21: the 21-point Kronrod rule over (a, b) with its error estimate. */
function qk21(f: (x: number) => number, a: number, b: number): Kronrod {
  const centr = 0.5 * (a + b);
  const hlgth = 0.5 * (b - a);
  const dhlgth = Math.abs(hlgth);
  let resg = 0;
  const fc = f(centr);
  let resk = WGK[11] * fc;
  let resabs = Math.abs(resk);
  for (let j = 1; j <= 5; j++) {
    const jtw = 2 * j;
    const absc = hlgth * XGK[jtw];
    const fval1 = f(centr - absc);
    const fval2 = f(centr + absc);
    FV1[jtw] = fval1;
    FV2[jtw] = fval2;
    const fsum = fval1 + fval2;
    resg = resg + WG[j] * fsum;
    resk = resk + WGK[jtw] * fsum;
    resabs = resabs + WGK[jtw] * (Math.abs(fval1) + Math.abs(fval2));
  }
  for (let j = 1; j <= 5; j++) {
    const jtwm1 = 2 * j - 1;
    const absc = hlgth * XGK[jtwm1];
    const fval1 = f(centr - absc);
    const fval2 = f(centr + absc);
    FV1[jtwm1] = fval1;
    FV2[jtwm1] = fval2;
    const fsum = fval1 + fval2;
    resk = resk + WGK[jtwm1] * fsum;
    resabs = resabs + WGK[jtwm1] * (Math.abs(fval1) + Math.abs(fval2));
  }
  const reskh = resk * 0.5;
  let resasc = WGK[11] * Math.abs(fc - reskh);
  for (let j = 1; j <= 10; j++) resasc = resasc + WGK[j] * (Math.abs(FV1[j] - reskh) + Math.abs(FV2[j] - reskh));
  const result = resk * hlgth;
  resabs = resabs * dhlgth;
  resasc = resasc * dhlgth;
  let abserr = Math.abs((resk - resg) * hlgth);
  if (resasc !== 0 && abserr !== 0) abserr = resasc * Math.min(1, ((200 * abserr) / resasc) ** 1.5);
  if (resabs > UFLOW / (50 * EPMACH)) abserr = Math.max(EPMACH * 50 * resabs, abserr);
  return { result, abserr, resabs, resasc };
}

/** The subdivision state dqpsrt maintains: `iord` orders the error estimates, descending. */
interface Ordering {
  maxerr: number;
  errmax: number;
  nrmax: number;
}

/** dqpsrt: insert the two new error estimates into the descending order; the next interval to bisect. */
function qpsrt(limit: number, last: number, s: Ordering, elist: Float64Array, iord: Int32Array): void {
  if (last <= 2) {
    iord[1] = 1;
    iord[2] = 2;
  } else {
    const errmax = elist[s.maxerr];
    if (s.nrmax !== 1) {
      const ido = s.nrmax - 1;
      for (let i = 1; i <= ido; i++) {
        const isucc = iord[s.nrmax - 1];
        if (errmax <= elist[isucc]) break;
        iord[s.nrmax] = isucc;
        s.nrmax--;
      }
    }
    const jupbn = last > Math.trunc(limit / 2) + 2 ? limit + 3 - last : last;
    const errmin = elist[last];
    const jbnd = jupbn - 1;
    let i = s.nrmax + 1;
    let found = false;
    for (; i <= jbnd; i++) {
      const isucc = iord[i];
      if (errmax >= elist[isucc]) {
        found = true;
        break;
      }
      iord[i - 1] = isucc;
    }
    if (!found) {
      iord[jbnd] = s.maxerr;
      iord[jupbn] = last;
    } else {
      // insert errmin bottom-up
      iord[i - 1] = s.maxerr;
      let k = jbnd;
      let placed = false;
      for (let j = i; j <= jbnd; j++) {
        const isucc = iord[k];
        if (errmin < elist[isucc]) {
          iord[k + 1] = last;
          placed = true;
          break;
        }
        iord[k + 1] = isucc;
        k--;
      }
      if (!placed) iord[i] = last;
    }
  }
  s.maxerr = iord[s.nrmax];
  s.errmax = elist[s.maxerr];
}

/** The epsilon table dqelg keeps between calls. */
interface Epsilon {
  /** Elements in the table (dqelg's `n`, which it may shorten). */
  n: number;
  table: Float64Array; // 1-based, 52 + 2
  res3la: Float64Array; // 1-based, 3
  nres: number;
}

/** dqelg: Wynn's epsilon algorithm on the sequence of area estimates; the limit and its error. */
function qelg(eps: Epsilon): { result: number; abserr: number } {
  const epstab = eps.table;
  const res3la = eps.res3la;
  let n = eps.n;
  eps.nres++;
  let abserr = OFLOW;
  let result = epstab[n];
  if (n >= 3) {
    const limexp = 50;
    epstab[n + 2] = epstab[n];
    const newelm = Math.trunc((n - 1) / 2);
    epstab[n] = OFLOW;
    const num = n;
    let k1 = n;
    let converged = false;
    for (let i = 1; i <= newelm; i++) {
      const k2 = k1 - 1;
      const k3 = k1 - 2;
      let res = epstab[k1 + 2];
      const e0 = epstab[k3];
      const e1 = epstab[k2];
      const e2 = res;
      const e1abs = Math.abs(e1);
      const delta2 = e2 - e1;
      const err2 = Math.abs(delta2);
      const tol2 = Math.max(Math.abs(e2), e1abs) * EPMACH;
      const delta3 = e1 - e0;
      const err3 = Math.abs(delta3);
      const tol3 = Math.max(e1abs, Math.abs(e0)) * EPMACH;
      if (!(err2 > tol2 || err3 > tol3)) {
        // e0, e1 and e2 equal to machine accuracy: converged
        result = res;
        abserr = err2 + err3;
        converged = true;
        break;
      }
      const e3 = epstab[k1];
      epstab[k1] = e1;
      const delta1 = e1 - e3;
      const err1 = Math.abs(delta1);
      const tol1 = Math.max(e1abs, Math.abs(e3)) * EPMACH;
      if (err1 <= tol1 || err2 <= tol2 || err3 <= tol3) {
        n = i + i - 1;
        break;
      }
      const ss = 1 / delta1 + 1 / delta2 - 1 / delta3;
      const epsinf = Math.abs(ss * e1);
      if (!(epsinf > 1e-4)) {
        n = i + i - 1;
        break;
      }
      res = e1 + 1 / ss;
      epstab[k1] = res;
      k1 = k1 - 2;
      const error = err2 + Math.abs(res - e2) + err3;
      if (error > abserr) continue;
      abserr = error;
      result = res;
    }
    if (!converged) {
      // shift the table
      if (n === limexp) n = 2 * Math.trunc(limexp / 2) - 1;
      let ib = Math.trunc(num / 2) * 2 === num ? 2 : 1;
      const ie = newelm + 1;
      for (let i = 1; i <= ie; i++) {
        const ib2 = ib + 2;
        epstab[ib] = epstab[ib2];
        ib = ib2;
      }
      if (num !== n) {
        let indx = num - n + 1;
        for (let i = 1; i <= n; i++) {
          epstab[i] = epstab[indx];
          indx++;
        }
      }
      if (eps.nres < 4) {
        res3la[eps.nres] = result;
        abserr = OFLOW;
      } else {
        abserr = Math.abs(result - res3la[3]) + Math.abs(result - res3la[2]) + Math.abs(result - res3la[1]);
        res3la[1] = res3la[2];
        res3la[2] = res3la[3];
        res3la[3] = result;
      }
    }
  }
  eps.n = n;
  return { result, abserr: Math.max(abserr, 5 * EPMACH * Math.abs(result)) };
}

/** ∫ f over [a, b] by QUADPACK's dqagse (scipy's `quad` on a finite interval). */
export function quadQags(f: (x: number) => number, a: number, b: number, options: QuadOptions = {}): QuadResult {
  const epsabs = options.epsabs ?? 1.49e-8;
  const epsrel = options.epsrel ?? 1.49e-8;
  const limit = options.limit ?? 50;
  const alist = new Float64Array(limit + 1);
  const blist = new Float64Array(limit + 1);
  const rlist = new Float64Array(limit + 1);
  const elist = new Float64Array(limit + 1);
  const iord = new Int32Array(limit + 1);
  let ier = 0;
  alist[1] = a;
  blist[1] = b;
  if (epsabs <= 0 && epsrel < Math.max(50 * EPMACH, 0.5e-28))
    return { result: 0, abserr: 0, neval: 0, ier: 6, last: 0 };

  // first approximation to the integral
  let ierro = 0;
  const first = qk21(f, a, b);
  let result = first.result;
  let abserr = first.abserr;
  const defabs = first.resabs;
  const dres = Math.abs(result);
  let errbnd = Math.max(epsabs, epsrel * dres);
  let last = 1;
  rlist[1] = result;
  elist[1] = abserr;
  iord[1] = 1;
  if (abserr <= 100 * EPMACH * defabs && abserr > errbnd) ier = 2;
  if (limit === 1) ier = 1;
  if (ier !== 0 || (abserr <= errbnd && abserr !== first.resasc) || abserr === 0)
    return { result, abserr, neval: 42 * last - 21, ier, last };

  const eps: Epsilon = { n: 2, table: new Float64Array(55), res3la: new Float64Array(4), nres: 0 };
  eps.table[1] = result;
  const s: Ordering = { maxerr: 1, errmax: abserr, nrmax: 1 };
  let area = result;
  let errsum = abserr;
  abserr = OFLOW;
  let ktmin = 0;
  let extrap = false;
  let noext = false;
  let iroff1 = 0;
  let iroff2 = 0;
  let iroff3 = 0;
  const ksgn = dres >= (1 - 50 * EPMACH) * defabs ? 1 : -1;
  let small = 0;
  let erlarg = 0;
  let ertest = 0;
  let correc = 0;
  // how the main loop ends: "final" checks the extrapolated result (label 100), "sum" adds up
  // the subintervals (label 115)
  let exit: "final" | "sum" = "final";

  main: for (last = 2; last <= limit; last++) {
    // bisect the subinterval with the nrmax-th largest error estimate
    const a1 = alist[s.maxerr];
    const b1 = 0.5 * (alist[s.maxerr] + blist[s.maxerr]);
    const a2 = b1;
    const b2 = blist[s.maxerr];
    const erlast = s.errmax;
    const left = qk21(f, a1, b1);
    const right = qk21(f, a2, b2);
    const area1 = left.result;
    const area2 = right.result;
    const error1 = left.abserr;
    const error2 = right.abserr;
    const area12 = area1 + area2;
    const erro12 = error1 + error2;
    errsum = errsum + erro12 - s.errmax;
    area = area + area12 - rlist[s.maxerr];
    if (!(left.resasc === error1 || right.resasc === error2)) {
      if (!(Math.abs(rlist[s.maxerr] - area12) > 1e-5 * Math.abs(area12) || erro12 < 0.99 * s.errmax)) {
        if (extrap) iroff2++;
        else iroff1++;
      }
      if (last > 10 && erro12 > s.errmax) iroff3++;
    }
    rlist[s.maxerr] = area1;
    rlist[last] = area2;
    errbnd = Math.max(epsabs, epsrel * Math.abs(area));
    if (iroff1 + iroff2 >= 10 || iroff3 >= 20) ier = 2;
    if (iroff2 >= 5) ierro = 3;
    if (last === limit) ier = 1;
    if (Math.max(Math.abs(a1), Math.abs(b2)) <= (1 + 100 * EPMACH) * (Math.abs(a2) + 1000 * UFLOW)) ier = 4;
    if (error2 > error1) {
      alist[s.maxerr] = a2;
      alist[last] = a1;
      blist[last] = b1;
      rlist[s.maxerr] = area2;
      rlist[last] = area1;
      elist[s.maxerr] = error2;
      elist[last] = error1;
    } else {
      alist[last] = a2;
      blist[s.maxerr] = b1;
      blist[last] = b2;
      elist[s.maxerr] = error1;
      elist[last] = error2;
    }
    qpsrt(limit, last, s, elist, iord);
    if (errsum <= errbnd) {
      exit = "sum";
      break;
    }
    if (ier !== 0) break;
    if (last === 2) {
      small = Math.abs(b - a) * 0.375;
      erlarg = errsum;
      ertest = errbnd;
      eps.table[2] = area;
      continue;
    }
    if (noext) continue;
    erlarg = erlarg - erlast;
    if (Math.abs(b1 - a1) > small) erlarg = erlarg + erro12;
    if (!extrap) {
      // is the interval to be bisected next the smallest one?
      if (Math.abs(blist[s.maxerr] - alist[s.maxerr]) > small) continue;
      extrap = true;
      s.nrmax = 2;
    }
    if (!(ierro === 3 || erlarg <= ertest)) {
      // the smallest interval has the largest error: before bisecting it, decrease the error
      // over the larger intervals (erlarg) first
      const id = s.nrmax;
      const jupbnd = last > 2 + Math.trunc(limit / 2) ? limit + 3 - last : last;
      for (let k = id; k <= jupbnd; k++) {
        s.maxerr = iord[s.nrmax];
        s.errmax = elist[s.maxerr];
        if (Math.abs(blist[s.maxerr] - alist[s.maxerr]) > small) continue main;
        s.nrmax++;
      }
    }
    // extrapolate
    eps.n++;
    eps.table[eps.n] = area;
    const extrapolated = qelg(eps);
    ktmin++;
    if (ktmin > 5 && abserr < 1e-3 * errsum) ier = 5;
    if (extrapolated.abserr < abserr) {
      ktmin = 0;
      abserr = extrapolated.abserr;
      result = extrapolated.result;
      correc = erlarg;
      ertest = Math.max(epsabs, epsrel * Math.abs(extrapolated.result));
      if (abserr <= ertest) break;
    }
    // prepare the bisection of the smallest interval
    if (eps.n === 1) noext = true;
    if (ier === 5) break;
    s.maxerr = iord[1];
    s.errmax = elist[s.maxerr];
    s.nrmax = 1;
    extrap = false;
    small = small * 0.5;
    erlarg = errsum;
  }
  if (last > limit) last = limit;

  let done = false;
  if (exit === "final") {
    if (abserr === OFLOW) exit = "sum";
    else {
      let divergenceTest = true;
      if (ier + ierro !== 0) {
        if (ierro === 3) abserr = abserr + correc;
        if (ier === 0) ier = 3;
        if (result !== 0 && area !== 0) {
          if (abserr / Math.abs(result) > errsum / Math.abs(area)) {
            exit = "sum";
            divergenceTest = false;
          }
        } else if (abserr > errsum) {
          exit = "sum";
          divergenceTest = false;
        } else if (area === 0) {
          divergenceTest = false;
          done = true;
        }
      }
      if (divergenceTest) {
        done = true;
        if (!(ksgn === -1 && Math.max(Math.abs(result), Math.abs(area)) <= defabs * 0.01)) {
          if (0.01 > result / area || result / area > 100 || errsum > Math.abs(area)) ier = 6;
        }
      }
    }
  }
  if (!done && exit === "sum") {
    result = 0;
    for (let k = 1; k <= last; k++) result = result + rlist[k];
    abserr = errsum;
  }
  if (ier > 2) ier--;
  return { result, abserr, neval: 42 * last - 21, ier, last };
}
