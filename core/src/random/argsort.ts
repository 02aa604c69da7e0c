/**
 * numpy's default argsort of floating-point values (`np.argsort(a)`, kind "quicksort"):
 * introsort as `aquicksort_` in numpy/core/src/npysort/quicksort.cpp — median-of-3 quicksort
 * with the larger part pushed on a stack, insertion sort for parts of ≤ 16 elements, heapsort
 * (`aheapsort_`) for a part once the depth budget 2·⌊log₂ n⌋ is spent. The sort is not stable;
 * porting it step by step gives numpy's order of equal values, on which inverse-CDF sampling
 * of maps with equal pixels depends. NaN sorts last, as in numpy.
 *
 * numpy 1.24 sends no argsort to its AVX-512 sorts (only `np.sort` of 32-bit types), so this
 * is the order numpy 1.24 gives on any CPU; numpy ≥ 1.25 on AVX-512 machines orders ties
 * differently.
 */

/** Largest parts sorted by insertion: numpy's SMALL_QUICKSORT (a part of pr − pl ≤ 15). */
const SMALL_QUICKSORT = 15;

/** numpy's DOUBLE_LT: a < b, with NaN greater than everything else. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** The indices that sort `values` ascending, in numpy 1.24's order. */
export function argsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 1) introsortIndices(values, order);
  return order;
}

/** numpy `aquicksort_` on `order` (initially any permutation; numpy starts from 0…n−1). */
export function introsortIndices(v: ArrayLike<number>, order: Int32Array): void {
  const n = order.length;
  const stack: number[] = []; // pairs (left, right) of parts still to sort
  const depths: number[] = [];
  let pl = 0;
  let pr = n - 1;
  let depth = 2 * (31 - Math.clz32(n)); // npy_get_msb(n) · 2
  for (;;) {
    if (depth < 0) {
      heapsortIndices(v, order, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[order[pm]], v[order[pl]])) swap(order, pm, pl);
        if (less(v[order[pr]], v[order[pm]])) swap(order, pr, pm);
        if (less(v[order[pm]], v[order[pl]])) swap(order, pm, pl);
        const pivot = v[order[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(order, pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[order[pi]], pivot));
          do --pj;
          while (less(pivot, v[order[pj]]));
          if (pi >= pj) break;
          swap(order, pi, pj);
        }
        swap(order, pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--depth);
      }
      insertionSortIndices(v, order, pl, pr);
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    depth = depths.pop()!;
  }
}

function insertionSortIndices(v: ArrayLike<number>, order: Int32Array, pl: number, pr: number): void {
  for (let pi = pl + 1; pi <= pr; pi++) {
    const vi = order[pi];
    const value = v[vi];
    let pj = pi;
    while (pj > pl && less(value, v[order[pj - 1]])) {
      order[pj] = order[pj - 1];
      pj--;
    }
    order[pj] = vi;
  }
}

/**
 * numpy `aheapsort_` on order[start … start+n−1] (also what `np.argsort(kind="heapsort")` runs).
 * The heap is 1-based, as numpy's: element i lives at order[start + i − 1].
 */
export function heapsortIndices(v: ArrayLike<number>, order: Int32Array, start: number, n: number): void {
  const a = start - 1; // order[a + i] is the heap's element i
  for (let l = n >> 1; l > 0; l--) siftDown(v, order, a, l, n, order[a + l]);
  for (; n > 1; ) {
    const tmp = order[a + n];
    order[a + n] = order[a + 1];
    n -= 1;
    siftDown(v, order, a, 1, n, tmp);
  }
}

/** Moves `item` down from heap slot i of a heap of n elements (numpy's inner heapsort loop). */
function siftDown(v: ArrayLike<number>, order: Int32Array, a: number, i: number, n: number, item: number): void {
  const value = v[item];
  for (let j = i << 1; j <= n; ) {
    if (j < n && less(v[order[a + j]], v[order[a + j + 1]])) j += 1;
    if (!less(value, v[order[a + j]])) break;
    order[a + i] = order[a + j];
    i = j;
    j += j;
  }
  order[a + i] = item;
}

function swap(order: Int32Array, i: number, j: number): void {
  const t = order[i];
  order[i] = order[j];
  order[j] = t;
}
