;; MT19937's bulk doubles (mt19937.ts: fillDoubles) in WebAssembly with 128-bit SIMD: the twist
;; four words at a time, then four words tempered at once into two doubles. The same words and
;; the same doubles bit for bit: each double is (a·2^26 + b)·2^-53, exact as numpy's division
;; by 2^53, then low + range·u as the JavaScript computes it (no fused multiply-adds).
;; Memory (imported): the 624 state words at byte 0, the output doubles anywhere from byte 4096.
;; scripts/build-wasm.mjs compiles it into mt19937.wasm.ts; mt19937-wasm.ts runs it.
(module
  ;; shared: V8 copies the doubles out of a shared memory at memcpy speed, out of an unshared
  ;; one ~6× slower (4e6 doubles: 2.7 against 16 ms, as long as making them), and a shared
  ;; memory can be the SharedArrayBuffer the doubles are for (no copy); the build also makes the
  ;; module with this memory unshared, for where shared memory is refused
  (import "env" "memory" (memory 1 65536 shared))

  ;; numpy mt19937_gen on the state at byte 0: key[i] = key[(i + 397) mod 624] ^ (y >>> 1) ^
  ;; (-(y & 1) & 0x9908b0df), y = the upper bit of key[i] | the lower 31 bits of key[i + 1].
  ;; Four lanes at a time read key[i + 1 … i + 4] before any of them is rewritten (as the
  ;; scalar loop does), and key[i − 227 …] long after it was (227 > 4). The four-lane step is
  ;; written out in both loops: V8 (Node 20) does not inline WebAssembly calls.
  (func $twist
    (local $i i32) (local $y v128)
    ;; words 0 … 223 from the old words 397 … 620 (byte offset +1588)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 896)))
      (local.set $y (v128.or
        (v128.and (v128.load (local.get $i)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
        (v128.and (v128.load offset=4 (local.get $i)) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))))
      (v128.store (local.get $i) (v128.xor
        (v128.xor (v128.load offset=1588 (local.get $i)) (i32x4.shr_u (local.get $y) (i32.const 1)))
        (v128.and (i32x4.neg (v128.and (local.get $y) (v128.const i32x4 1 1 1 1)))
          (v128.const i32x4 0x9908b0df 0x9908b0df 0x9908b0df 0x9908b0df))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    ;; words 224 … 226, one by one
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 908)))
      (i32.store (local.get $i)
        (call $stepOne (i32.load offset=1588 (local.get $i))
          (i32.load (local.get $i)) (i32.load offset=4 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next)))
    ;; words 227 … 622 from the new words 0 … 395 (byte offset −908)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 2492)))
      (local.set $y (v128.or
        (v128.and (v128.load (local.get $i)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
        (v128.and (v128.load offset=4 (local.get $i)) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))))
      (v128.store (local.get $i) (v128.xor
        (v128.xor (v128.load (i32.sub (local.get $i) (i32.const 908))) (i32x4.shr_u (local.get $y) (i32.const 1)))
        (v128.and (i32x4.neg (v128.and (local.get $y) (v128.const i32x4 1 1 1 1)))
          (v128.const i32x4 0x9908b0df 0x9908b0df 0x9908b0df 0x9908b0df))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    ;; word 623 from the new words 396 and 0
    (i32.store (i32.const 2492)
      (call $stepOne (i32.load (i32.const 1584)) (i32.load (i32.const 2492)) (i32.load (i32.const 0)))))
  (export "twist" (func $twist))

  ;; one word of the twist
  (func $stepOne (param $far i32) (param $word i32) (param $next i32) (result i32)
    (local $y i32)
    (local.set $y (i32.or
      (i32.and (local.get $word) (i32.const 0x80000000))
      (i32.and (local.get $next) (i32.const 0x7fffffff))))
    (i32.xor
      (i32.xor (local.get $far) (i32.shr_u (local.get $y) (i32.const 1)))
      (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))

  ;; MT19937's tempering of one word
  (func $temper (param $y i32) (result i32)
    (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 11))))
    (local.set $y (i32.xor (local.get $y)
      (i32.and (i32.shl (local.get $y) (i32.const 7)) (i32.const 0x9d2c5680))))
    (local.set $y (i32.xor (local.get $y)
      (i32.and (i32.shl (local.get $y) (i32.const 15)) (i32.const 0xefc60000))))
    (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 18))))

  ;; low + range·u of the double from tempered words a (27 bits) and b (26 bits)
  (func $double (param $a i32) (param $b i32) (param $low f64) (param $range f64) (result f64)
    (f64.add (local.get $low) (f64.mul (local.get $range)
      (f64.mul
        (f64.add
          (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $a) (i32.const 5))) (f64.const 67108864))
          (f64.convert_i32_u (i32.shr_u (local.get $b) (i32.const 6))))
        (f64.const 0x1p-53)))))

  ;; `count` doubles low + range·u from byte `out` (≥ 4096), taking words from `pos` (0 … 624:
  ;; 624 twists first); returns the position after them
  (func $fill (param $pos i32) (param $out i32) (param $count i32) (param $low f64) (param $range f64)
    (result i32)
    (local $pairs i32) (local $end i32) (local $a i32)
    (local $v v128) (local $u v128) (local $vlow v128) (local $vrange v128)
    (local.set $vlow (f64x2.splat (local.get $low)))
    (local.set $vrange (f64x2.splat (local.get $range)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $count)))
      ;; a double from the state's last word and the next state's first
      (if (i32.eq (local.get $pos) (i32.const 623)) (then
        (local.set $a (call $temper (i32.load (i32.const 2492))))
        (call $twist)
        (f64.store (local.get $out)
          (call $double (local.get $a) (call $temper (i32.load (i32.const 0))) (local.get $low) (local.get $range)))
        (local.set $pos (i32.const 1))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next)))
      (if (i32.eq (local.get $pos) (i32.const 624)) (then
        (call $twist)
        (local.set $pos (i32.const 0))))
      ;; the pairs of words left in this state, at most `count`
      (local.set $pairs (i32.shr_u (i32.sub (i32.const 624) (local.get $pos)) (i32.const 1)))
      (if (i32.gt_u (local.get $pairs) (local.get $count)) (then (local.set $pairs (local.get $count))))
      (local.set $count (i32.sub (local.get $count) (local.get $pairs)))
      ;; two doubles from four words at a time
      (local.set $end (i32.add (local.get $out) (i32.shl (i32.and (local.get $pairs) (i32.const -2)) (i32.const 3))))
      (block $pairsDone (loop $nextPairs
        (br_if $pairsDone (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $v (v128.load (i32.shl (local.get $pos) (i32.const 2))))
        (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 11))))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shl (local.get $v) (i32.const 7))
          (v128.const i32x4 0x9d2c5680 0x9d2c5680 0x9d2c5680 0x9d2c5680))))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shl (local.get $v) (i32.const 15))
          (v128.const i32x4 0xefc60000 0xefc60000 0xefc60000 0xefc60000))))
        (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 18))))
        ;; a = words 0 and 2 >>> 5, b = words 1 and 3 >>> 6, each pair in the low lanes
        (local.set $u (f64x2.mul
          (f64x2.add
            (f64x2.mul
              (f64x2.convert_low_i32x4_u (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
                (i32x4.shr_u (local.get $v) (i32.const 5)) (local.get $v)))
              (v128.const f64x2 67108864 67108864))
            (f64x2.convert_low_i32x4_u (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15
              (i32x4.shr_u (local.get $v) (i32.const 6)) (local.get $v))))
          (v128.const f64x2 0x1p-53 0x1p-53)))
        (v128.store (local.get $out) (f64x2.add (local.get $vlow) (f64x2.mul (local.get $vrange) (local.get $u))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $nextPairs)))
      ;; an odd pair
      (if (i32.and (local.get $pairs) (i32.const 1)) (then
        (f64.store (local.get $out) (call $double
          (call $temper (i32.load (i32.shl (local.get $pos) (i32.const 2))))
          (call $temper (i32.load offset=4 (i32.shl (local.get $pos) (i32.const 2))))
          (local.get $low) (local.get $range)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 2)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))))
      (br $next)))
    (local.get $pos))
  (export "fill" (func $fill))
)
