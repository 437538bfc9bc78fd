;; The core's per-point loops in WebAssembly SIMD. Addresses are byte offsets into `memory`;
;; counts are elements. Built into kernels-binary.ts by scripts/build-kernels.mjs.
(module
  (memory (export "memory") 1)

  ;; out[i] = base[i] + alpha * diff[i] for i < n (float32); 64 bytes per iteration, then 16, then 4.
  (func (export "fill") (param $out i32) (param $base i32) (param $diff i32) (param $n i32) (param $alpha f32)
    (local $i i32) (local $unrolledEnd i32) (local $vectorEnd i32) (local $end i32) (local $a v128)
    (local $o i32) (local $b i32) (local $d i32)
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $unrolledEnd (i32.and (local.get $end) (i32.const -64)))
    (block $unrolledDone
      (loop $unrolled
        (br_if $unrolledDone (i32.ge_u (local.get $i) (local.get $unrolledEnd)))
        (local.set $o (i32.add (local.get $out) (local.get $i)))
        (local.set $b (i32.add (local.get $base) (local.get $i)))
        (local.set $d (i32.add (local.get $diff) (local.get $i)))
        (v128.store offset=0 (local.get $o)
          (f32x4.add (v128.load offset=0 (local.get $b)) (f32x4.mul (local.get $a) (v128.load offset=0 (local.get $d)))))
        (v128.store offset=16 (local.get $o)
          (f32x4.add (v128.load offset=16 (local.get $b)) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $d)))))
        (v128.store offset=32 (local.get $o)
          (f32x4.add (v128.load offset=32 (local.get $b)) (f32x4.mul (local.get $a) (v128.load offset=32 (local.get $d)))))
        (v128.store offset=48 (local.get $o)
          (f32x4.add (v128.load offset=48 (local.get $b)) (f32x4.mul (local.get $a) (v128.load offset=48 (local.get $d)))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $unrolled)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $vectorEnd)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add
            (v128.load (i32.add (local.get $base) (local.get $i)))
            (f32x4.mul (local.get $a) (v128.load (i32.add (local.get $diff) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add
            (f32.load (i32.add (local.get $base) (local.get $i)))
            (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $diff) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; part[i] += w0·g0[i] + w1·g1[i] + w2·g2[i] + w3·g3[i] for i < n, all float32: four gradient
  ;; rows per pass over the partial sum of one batch.
  (func (export "accumulate4") (param $part i32) (param $g0 i32) (param $g1 i32) (param $g2 i32) (param $g3 i32) (param $n i32)
    (param $w0 f32) (param $w1 f32) (param $w2 f32) (param $w3 f32)
    (local $i i32) (local $vectorEnd i32) (local $end i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $v0 (f32x4.splat (local.get $w0)))
    (local.set $v1 (f32x4.splat (local.get $w1)))
    (local.set $v2 (f32x4.splat (local.get $w2)))
    (local.set $v3 (f32x4.splat (local.get $w3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $vectorEnd)))
        (v128.store (i32.add (local.get $part) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $part) (local.get $i)))
            (f32x4.add
              (f32x4.add (f32x4.mul (local.get $v0) (v128.load (i32.add (local.get $g0) (local.get $i))))
                         (f32x4.mul (local.get $v1) (v128.load (i32.add (local.get $g1) (local.get $i)))))
              (f32x4.add (f32x4.mul (local.get $v2) (v128.load (i32.add (local.get $g2) (local.get $i))))
                         (f32x4.mul (local.get $v3) (v128.load (i32.add (local.get $g3) (local.get $i))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $part) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $part) (local.get $i)))
            (f32.add
              (f32.add (f32.mul (local.get $w0) (f32.load (i32.add (local.get $g0) (local.get $i))))
                       (f32.mul (local.get $w1) (f32.load (i32.add (local.get $g1) (local.get $i)))))
              (f32.add (f32.mul (local.get $w2) (f32.load (i32.add (local.get $g2) (local.get $i))))
                       (f32.mul (local.get $w3) (f32.load (i32.add (local.get $g3) (local.get $i))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; sum[i] += part[i] (sum float64, part float32), then part[i] = 0, for i < n. Returns 1 when
  ;; any updated sum is NaN or ±Infinity, else 0.
  (func (export "widen") (param $sum i32) (param $part i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $vectorEnd i32) (local $end i32)
    (local $p v128) (local $lo v128) (local $hi v128) (local $bad v128) (local $s f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $vectorEnd)))
        (local.set $p (v128.load (i32.add (local.get $part) (local.get $i))))
        (local.set $j (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1))))
        (local.set $lo (f64x2.add (v128.load (local.get $j)) (f64x2.promote_low_f32x4 (local.get $p))))
        (local.set $hi (f64x2.add (v128.load offset=16 (local.get $j))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p)))))
        (v128.store (local.get $j) (local.get $lo))
        (v128.store offset=16 (local.get $j) (local.get $hi))
        (v128.store (i32.add (local.get $part) (local.get $i)) (v128.const i32x4 0 0 0 0))
        ;; x − x is 0 for finite x and NaN otherwise; NaN ≠ NaN flags it.
        (local.set $bad (v128.or (local.get $bad)
          (v128.or
            (f64x2.ne (f64x2.sub (local.get $lo) (local.get $lo)) (f64x2.sub (local.get $lo) (local.get $lo)))
            (f64x2.ne (f64x2.sub (local.get $hi) (local.get $hi)) (f64x2.sub (local.get $hi) (local.get $hi))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $j (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1))))
        (local.set $s (f64.add (f64.load (local.get $j)) (f64.promote_f32 (f32.load (i32.add (local.get $part) (local.get $i))))))
        (f64.store (local.get $j) (local.get $s))
        (f32.store (i32.add (local.get $part) (local.get $i)) (f32.const 0))
        (if (f64.ne (f64.sub (local.get $s) (local.get $s)) (f64.sub (local.get $s) (local.get $s)))
          (then (local.set $bad (v128.const i32x4 -1 -1 -1 -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    (v128.any_true (local.get $bad))))
