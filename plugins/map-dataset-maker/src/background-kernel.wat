;; The background map's per-pixel loop (background-kernel.ts: integratePixels) in WebAssembly:
;; the same operations in the same order on IEEE doubles (no fused multiply-adds), so the same
;; results bit for bit; compiled as the module loads (no interpreted first runs) and without
;; the bounds checks of typed-array reads. scripts/build-wasm.mjs compiles it into
;; background-kernel.wasm.ts; background-wasm.ts loads it and lays the arrays out in memory.
;; Keep it in step with integratePixels: the tests compare the two on real and edge-case data.
(module
  (import "js" "memory" (memory 1))
  ;; rare paths, in JavaScript: an edge whose value is not exp(w) itself, a bin without the closed form
  (import "js" "irregular" (func $irregular (param f64 f64) (result f64)))
  (import "js" "powerLaw" (func $powerLaw (param f64 f64 f64 f64) (result f64)))
  ;; constants, from the JavaScript that defines them (bit for bit the same values)
  (import "js" "stepsPerLn2" (global $stepsPerLn2 f64))
  (import "js" "rounder" (global $rounder f64))
  (import "js" "ln2Hi" (global $ln2Hi f64))
  (import "js" "ln2Lo" (global $ln2Lo f64))
  (import "js" "c6" (global $c6 f64))
  (import "js" "c24" (global $c24 f64))
  (import "js" "c120" (global $c120 f64))
  (import "js" "twoToJ" (global $twoToJ i32))   ;; byte offset of 2^(j/64), j < 64 (fastExp's 64 steps)
  (import "js" "pow2" (global $pow2 i32))       ;; byte offset of 2^0 in a table of 2^k (k = (x·64/ln 2) >> 6)
  (import "js" "lnTwoTinyAbove" (global $lnTwoTinyAbove f64))
  (import "js" "lnTiny" (global $lnTiny f64))

  ;; findCell: the cell of x on an increasing grid (n ≥ 2 doubles at byte offset $grid), clipped to the end cells
  (func $findCell (param $grid i32) (param $n i32) (param $x f64) (result i32)
    (local $lo i32) (local $hi i32) (local $mid i32)
    (if (f64.le (local.get $x) (f64.load (local.get $grid))) (then (return (i32.const 0))))
    (if (f64.ge (local.get $x)
          (f64.load (i32.add (local.get $grid) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 3)))))
      (then (return (i32.sub (local.get $n) (i32.const 2)))))
    (local.set $hi (i32.sub (local.get $n) (i32.const 1)))
    (block $done
      (loop $search
        (br_if $done (i32.le_s (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1)))
        (local.set $mid (i32.shr_s (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (if (f64.le (f64.load (i32.add (local.get $grid) (i32.shl (local.get $mid) (i32.const 3)))) (local.get $x))
          (then (local.set $lo (local.get $mid)))
          (else (local.set $hi (local.get $mid))))
        (br $search)))
    (local.get $lo)
  )

  ;; Arguments are byte offsets into memory unless numbers: per pixel fov_lon, fov_lat and the
  ;; pixel factor; out [bin][pixel]; per edge j < nEdges its energy node (i32) and the upper
  ;; node's weight; per bin k < nEdges − 1 its edges, 1/ln(e2/e1) and the value outside the
  ;; field of view; scratch for the node planes (last − first + 1), logs and values of edges;
  ;; the IRF's fov_lon and fov_lat nodes and its log values [energy][lon][lat].
  (func (export "run")
    (param $n i32) (param $fovLon i32) (param $fovLat i32) (param $pf i32) (param $out i32)
    (param $nEdges i32) (param $node i32) (param $frac i32) (param $first i32) (param $last i32)
    (param $e1 i32) (param $e2 i32) (param $inv i32) (param $outside i32)
    (param $planes i32) (param $logs i32) (param $values i32)
    (param $lonGrid i32) (param $nLon i32) (param $latGrid i32) (param $nLat i32) (param $v i32)
    (param $lonLo f64) (param $lonHi f64) (param $latLo f64) (param $latHi f64) (param $fill f64)
    (local $i i32) (local $x f64) (local $y f64) (local $k i32) (local $nBins i32) (local $f f64)
    (local $k1 i32) (local $t1 f64) (local $k2 i32) (local $t2 f64) (local $s1 f64) (local $s2 f64)
    (local $e i32) (local $b i32) (local $stride0 i32) (local $u1 i32) (local $j i32) (local $t0 f64) (local $at i32)
    (local $w f64) (local $lnQ f64) (local $val f64) (local $g0 f64) (local $g1 f64) (local $rowBytes i32)
    (local $vk f64) (local $vk1 f64) (local $lo1 f64) (local $hi1 f64) (local $result f64) (local $addr i32)
    (local $kf f64) (local $kk i32) (local $r f64)
    (local.set $nBins (i32.sub (local.get $nEdges) (i32.const 1)))
    (local.set $u1 (local.get $nLat))
    (local.set $stride0 (i32.mul (local.get $nLon) (local.get $nLat)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $t1 (f64.const 0.5))
    (local.set $t2 (f64.const 0.5))
    (block $pixelsDone
      (loop $pixels
        (br_if $pixelsDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.load (i32.add (local.get $fovLon) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $y (f64.load (i32.add (local.get $fovLat) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $f (f64.load (i32.add (local.get $pf) (i32.shl (local.get $i) (i32.const 3)))))
        (if (i32.eqz
              (i32.and
                (i32.and (f64.ge (local.get $x) (local.get $lonLo)) (f64.le (local.get $x) (local.get $lonHi)))
                (i32.and (f64.ge (local.get $y) (local.get $latLo)) (f64.le (local.get $y) (local.get $latHi)))))
          (then
            ;; outside the IRF's field of view: the fill value's integral × the pixel factor
            (local.set $k (i32.const 0))
            (block $outDone
              (loop $outBins
                (br_if $outDone (i32.ge_u (local.get $k) (local.get $nBins)))
                (f64.store
                  (i32.add (local.get $out)
                    (i32.add (i32.mul (local.get $k) (local.get $rowBytes)) (i32.shl (local.get $i) (i32.const 3))))
                  (f64.mul
                    (f64.load (i32.add (local.get $outside) (i32.shl (local.get $k) (i32.const 3))))
                    (local.get $f)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $outBins)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $pixels)))
        ;; the cells in lon and lat (the previous pixel's first), weight of the upper node
        (local.set $g0 (f64.load (i32.add (local.get $lonGrid) (i32.shl (local.get $k1) (i32.const 3)))))
        (local.set $g1
          (f64.load (i32.add (local.get $lonGrid) (i32.shl (i32.add (local.get $k1) (i32.const 1)) (i32.const 3)))))
        (if (i32.eqz (i32.and (f64.le (local.get $g0) (local.get $x)) (f64.lt (local.get $x) (local.get $g1))))
          (then
            (local.set $k1 (call $findCell (local.get $lonGrid) (local.get $nLon) (local.get $x)))
            (local.set $g0 (f64.load (i32.add (local.get $lonGrid) (i32.shl (local.get $k1) (i32.const 3)))))
            (local.set $g1
              (f64.load
                (i32.add (local.get $lonGrid) (i32.shl (i32.add (local.get $k1) (i32.const 1)) (i32.const 3)))))))
        (local.set $t1 (f64.div (f64.sub (local.get $x) (local.get $g0)) (f64.sub (local.get $g1) (local.get $g0))))
        (local.set $g0 (f64.load (i32.add (local.get $latGrid) (i32.shl (local.get $k2) (i32.const 3)))))
        (local.set $g1
          (f64.load (i32.add (local.get $latGrid) (i32.shl (i32.add (local.get $k2) (i32.const 1)) (i32.const 3)))))
        (if (i32.eqz (i32.and (f64.le (local.get $g0) (local.get $y)) (f64.lt (local.get $y) (local.get $g1))))
          (then
            (local.set $k2 (call $findCell (local.get $latGrid) (local.get $nLat) (local.get $y)))
            (local.set $g0 (f64.load (i32.add (local.get $latGrid) (i32.shl (local.get $k2) (i32.const 3)))))
            (local.set $g1
              (f64.load
                (i32.add (local.get $latGrid) (i32.shl (i32.add (local.get $k2) (i32.const 1)) (i32.const 3)))))))
        (local.set $t2 (f64.div (f64.sub (local.get $y) (local.get $g0)) (f64.sub (local.get $g1) (local.get $g0))))
        ;; node planes: (1 − t1)·(s2·v[b] + t2·v[b + 1]) + t1·(s2·v[b + u1] + t2·v[b + u1 + 1])
        (local.set $s1 (f64.sub (f64.const 1) (local.get $t1)))
        (local.set $s2 (f64.sub (f64.const 1) (local.get $t2)))
        (local.set $e (local.get $first))
        (block $planesDone
          (loop $planesLoop
            (br_if $planesDone (i32.gt_s (local.get $e) (local.get $last)))
            (local.set $addr (i32.add (local.get $v)
              (i32.shl
                (i32.add
                  (i32.add (i32.mul (local.get $e) (local.get $stride0)) (i32.mul (local.get $k1) (local.get $u1)))
                  (local.get $k2))
                (i32.const 3))))
            (f64.store
              (i32.add (local.get $planes) (i32.shl (i32.sub (local.get $e) (local.get $first)) (i32.const 3)))
              (f64.add
                (f64.mul (local.get $s1)
                  (f64.add
                    (f64.mul (local.get $s2) (f64.load (local.get $addr)))
                    (f64.mul (local.get $t2) (f64.load offset=8 (local.get $addr)))))
                (f64.mul (local.get $t1)
                  (f64.add
                    (f64.mul (local.get $s2)
                      (f64.load (i32.add (local.get $addr) (i32.shl (local.get $u1) (i32.const 3)))))
                    (f64.mul (local.get $t2)
                      (f64.load offset=8 (i32.add (local.get $addr) (i32.shl (local.get $u1) (i32.const 3)))))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $planesLoop)))
        ;; each edge's log and value
        (local.set $j (i32.const 0))
        (block $edgesDone
          (loop $edges
            (br_if $edgesDone (i32.ge_u (local.get $j) (local.get $nEdges)))
            (local.set $t0 (f64.load (i32.add (local.get $frac) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $at (i32.add (local.get $planes)
              (i32.shl
                (i32.sub
                  (i32.load (i32.add (local.get $node) (i32.shl (local.get $j) (i32.const 2))))
                  (local.get $first))
                (i32.const 3))))
            (local.set $w (f64.add
              (f64.mul (f64.sub (f64.const 1) (local.get $t0)) (f64.load (local.get $at)))
              (f64.mul (local.get $t0) (f64.load offset=8 (local.get $at)))))
            (if (i32.and (f64.gt (local.get $w) (global.get $lnTwoTinyAbove)) (f64.lt (local.get $w) (f64.const 700)))
              (then
                (f64.store (i32.add (local.get $logs) (i32.shl (local.get $j) (i32.const 3))) (local.get $w))
                ;; fastExp(w) written out (a call per edge cost ~1/3 of the loop): w = (k + j/64)·ln 2
                ;; + r, exp(w) = 2^(k >> 6) · 2^((k & 63)/64) · exp(r), exp(r) by its series to r⁵
                (local.set $kf
                  (f64.sub
                    (f64.add (f64.mul (local.get $w) (global.get $stepsPerLn2)) (global.get $rounder))
                    (global.get $rounder)))
                (local.set $kk (i32.trunc_f64_s (local.get $kf)))
                (local.set $r
                  (f64.sub
                    (f64.sub (local.get $w) (f64.mul (local.get $kf) (global.get $ln2Hi)))
                    (f64.mul (local.get $kf) (global.get $ln2Lo))))
                (f64.store (i32.add (local.get $values) (i32.shl (local.get $j) (i32.const 3)))
                  (f64.mul
                    (f64.mul
                      (f64.load
                        (i32.add (global.get $twoToJ) (i32.shl (i32.and (local.get $kk) (i32.const 63)) (i32.const 3))))
                      (f64.load
                        (i32.add (global.get $pow2) (i32.shl (i32.shr_s (local.get $kk) (i32.const 6)) (i32.const 3)))))
                    (f64.add (f64.const 1)
                      (f64.mul (local.get $r)
                        (f64.add (f64.const 1)
                          (f64.mul (local.get $r)
                            (f64.add (f64.const 0.5)
                              (f64.mul (local.get $r)
                                (f64.add (global.get $c6)
                                  (f64.mul (local.get $r)
                                    (f64.add (global.get $c24) (f64.mul (local.get $r) (global.get $c120))))))))))))))
              (else
                (f64.store (i32.add (local.get $logs) (i32.shl (local.get $j) (i32.const 3))) (f64.const nan))
                (f64.store (i32.add (local.get $values) (i32.shl (local.get $j) (i32.const 3)))
                  (call $irregular (local.get $w) (local.get $fill)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $edges)))
        ;; each bin's integral × the pixel factor
        (local.set $k (i32.const 0))
        (block $binsDone
          (loop $bins
            (br_if $binsDone (i32.ge_u (local.get $k) (local.get $nBins)))
            (local.set $lo1 (f64.load (i32.add (local.get $e1) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $hi1 (f64.load (i32.add (local.get $e2) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $addr (i32.shl (local.get $k) (i32.const 3)))
            (local.set $lnQ
              (f64.sub
                (f64.load (i32.add (local.get $logs) (local.get $addr)))
                (f64.load offset=8 (i32.add (local.get $logs) (local.get $addr)))))
            (local.set $val
              (f64.sub
                (f64.const 1)
                (f64.mul (local.get $lnQ) (f64.load (i32.add (local.get $inv) (local.get $addr))))))
            (local.set $vk (f64.load (i32.add (local.get $values) (local.get $addr))))
            (local.set $vk1 (f64.load offset=8 (i32.add (local.get $values) (local.get $addr))))
            (if (i32.and
                  (f64.gt (local.get $lnQ) (global.get $lnTiny))
                  (i32.or (f64.gt (local.get $val) (f64.const 1e-8)) (f64.lt (local.get $val) (f64.const -1e-8))))
              (then
                (local.set $result
                  (f64.mul
                    (f64.div
                      (f64.sub (f64.mul (local.get $vk1) (local.get $hi1)) (f64.mul (local.get $vk) (local.get $lo1)))
                      (local.get $val))
                    (local.get $f))))
              (else
                (local.set $result
                  (f64.mul
                    (call $powerLaw (local.get $vk) (local.get $vk1) (local.get $lo1) (local.get $hi1))
                    (local.get $f)))))
            (f64.store
              (i32.add (local.get $out)
                (i32.add (i32.mul (local.get $k) (local.get $rowBytes)) (i32.shl (local.get $i) (i32.const 3))))
              (local.get $result))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $bins)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $pixels)))
  )
)
