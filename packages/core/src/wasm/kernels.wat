;; The core's per-point loops in WebAssembly SIMD. Addresses are byte offsets into `memory`;
;; counts are elements. Built into kernels-binary.ts by scripts/build-kernels.mjs.
;;
;; fill and accumulate walk the features in chunks of 4 KiB and, within a chunk, over every point
;; of the batch, up to four points (or gradient rows) per pass: the chunk of x' and x − x' (fill)
;; or of the partial sum (accumulate) stays in L1 while each point's row streams past it once.
;; Loops are unrolled because V8 adds an interrupt check to every iteration.
(module
  (memory (export "memory") 1)

  ;; diff[i] = x[i] − base[i] for i < n (float32); diff may be x. Returns 1 when every base[i] is
  ;; +0 (so that diff is x and a point is alpha·x), else 0.
  (func (export "subtract") (param $diff i32) (param $x i32) (param $base i32) (param $n i32) (result i32)
    (local $i i32) (local $vectorEnd i32) (local $end i32) (local $b v128) (local $bits v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $vectorEnd)))
        (local.set $b (v128.load (i32.add (local.get $base) (local.get $i))))
        (local.set $bits (v128.or (local.get $bits) (local.get $b)))
        (v128.store (i32.add (local.get $diff) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $b)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $bits (v128.or (local.get $bits) (v128.load32_splat (i32.add (local.get $base) (local.get $i)))))
        (f32.store (i32.add (local.get $diff) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $x) (local.get $i))) (f32.load (i32.add (local.get $base) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    (i32.eqz (v128.any_true (local.get $bits))))

  ;; Points k < 4 at out + k·stride: point_k[i] = base[i] + a_k·diff[i] for byte offsets i in
  ;; [from, to), 64 bytes a step.
  (func $points4 (param $out i32) (param $stride i32) (param $base i32) (param $diff i32) (param $from i32) (param $to i32) (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
    (local $i i32) (local $pb i32) (local $pd i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $b0 v128) (local $d0 v128) (local $b1 v128) (local $d1 v128) (local $b2 v128) (local $d2 v128) (local $b3 v128) (local $d3 v128)
    (local.set $i (local.get $from))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $pb (i32.add (local.get $base) (local.get $i)))
        (local.set $pd (i32.add (local.get $diff) (local.get $i)))
        (local.set $p0 (i32.add (local.get $out) (local.get $i)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $d0 (v128.load offset=0 (local.get $pd)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $d1 (v128.load offset=16 (local.get $pd)))
        (local.set $b2 (v128.load offset=32 (local.get $pb)))
        (local.set $d2 (v128.load offset=32 (local.get $pd)))
        (local.set $b3 (v128.load offset=48 (local.get $pb)))
        (local.set $d3 (v128.load offset=48 (local.get $pd)))
        (v128.store offset=0 (local.get $p0) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a0) (local.get $d0))))
        (v128.store offset=16 (local.get $p0) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a0) (local.get $d1))))
        (v128.store offset=32 (local.get $p0) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a0) (local.get $d2))))
        (v128.store offset=48 (local.get $p0) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a0) (local.get $d3))))
        (v128.store offset=0 (local.get $p1) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a1) (local.get $d0))))
        (v128.store offset=16 (local.get $p1) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a1) (local.get $d1))))
        (v128.store offset=32 (local.get $p1) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a1) (local.get $d2))))
        (v128.store offset=48 (local.get $p1) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a1) (local.get $d3))))
        (v128.store offset=0 (local.get $p2) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a2) (local.get $d0))))
        (v128.store offset=16 (local.get $p2) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a2) (local.get $d1))))
        (v128.store offset=32 (local.get $p2) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a2) (local.get $d2))))
        (v128.store offset=48 (local.get $p2) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a2) (local.get $d3))))
        (v128.store offset=0 (local.get $p3) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a3) (local.get $d0))))
        (v128.store offset=16 (local.get $p3) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a3) (local.get $d1))))
        (v128.store offset=32 (local.get $p3) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a3) (local.get $d2))))
        (v128.store offset=48 (local.get $p3) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a3) (local.get $d3))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vector))))

  ;; Points k < 2 at out + k·stride: point_k[i] = base[i] + a_k·diff[i] for byte offsets i in
  ;; [from, to), 64 bytes a step.
  (func $points2 (param $out i32) (param $stride i32) (param $base i32) (param $diff i32) (param $from i32) (param $to i32) (param $a0 v128) (param $a1 v128)
    (local $i i32) (local $pb i32) (local $pd i32) (local $p0 i32) (local $p1 i32)
    (local $b0 v128) (local $d0 v128) (local $b1 v128) (local $d1 v128) (local $b2 v128) (local $d2 v128) (local $b3 v128) (local $d3 v128)
    (local.set $i (local.get $from))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $pb (i32.add (local.get $base) (local.get $i)))
        (local.set $pd (i32.add (local.get $diff) (local.get $i)))
        (local.set $p0 (i32.add (local.get $out) (local.get $i)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $d0 (v128.load offset=0 (local.get $pd)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $d1 (v128.load offset=16 (local.get $pd)))
        (local.set $b2 (v128.load offset=32 (local.get $pb)))
        (local.set $d2 (v128.load offset=32 (local.get $pd)))
        (local.set $b3 (v128.load offset=48 (local.get $pb)))
        (local.set $d3 (v128.load offset=48 (local.get $pd)))
        (v128.store offset=0 (local.get $p0) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a0) (local.get $d0))))
        (v128.store offset=16 (local.get $p0) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a0) (local.get $d1))))
        (v128.store offset=32 (local.get $p0) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a0) (local.get $d2))))
        (v128.store offset=48 (local.get $p0) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a0) (local.get $d3))))
        (v128.store offset=0 (local.get $p1) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a1) (local.get $d0))))
        (v128.store offset=16 (local.get $p1) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a1) (local.get $d1))))
        (v128.store offset=32 (local.get $p1) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a1) (local.get $d2))))
        (v128.store offset=48 (local.get $p1) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a1) (local.get $d3))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vector))))

  ;; One point at out: point_k[i] = base[i] + a_k·diff[i] for byte offsets i in
  ;; [from, to), 64 bytes a step.
  (func $points1 (param $out i32) (param $stride i32) (param $base i32) (param $diff i32) (param $from i32) (param $to i32) (param $a0 v128)
    (local $i i32) (local $pb i32) (local $pd i32) (local $p0 i32)
    (local $b0 v128) (local $d0 v128) (local $b1 v128) (local $d1 v128) (local $b2 v128) (local $d2 v128) (local $b3 v128) (local $d3 v128)
    (local.set $i (local.get $from))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $pb (i32.add (local.get $base) (local.get $i)))
        (local.set $pd (i32.add (local.get $diff) (local.get $i)))
        (local.set $p0 (i32.add (local.get $out) (local.get $i)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $d0 (v128.load offset=0 (local.get $pd)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $d1 (v128.load offset=16 (local.get $pd)))
        (local.set $b2 (v128.load offset=32 (local.get $pb)))
        (local.set $d2 (v128.load offset=32 (local.get $pd)))
        (local.set $b3 (v128.load offset=48 (local.get $pb)))
        (local.set $d3 (v128.load offset=48 (local.get $pd)))
        (v128.store offset=0 (local.get $p0) (f32x4.add (local.get $b0) (f32x4.mul (local.get $a0) (local.get $d0))))
        (v128.store offset=16 (local.get $p0) (f32x4.add (local.get $b1) (f32x4.mul (local.get $a0) (local.get $d1))))
        (v128.store offset=32 (local.get $p0) (f32x4.add (local.get $b2) (f32x4.mul (local.get $a0) (local.get $d2))))
        (v128.store offset=48 (local.get $p0) (f32x4.add (local.get $b3) (f32x4.mul (local.get $a0) (local.get $d3))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vector))))

  ;; $points4 for a zero baseline: point_k[i] = a_k·diff[i].
  (func $scaled4 (param $out i32) (param $stride i32) (param $diff i32) (param $from i32) (param $to i32) (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
    (local $i i32) (local $pd i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local.set $i (local.get $from))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $pd (i32.add (local.get $diff) (local.get $i)))
        (local.set $p0 (i32.add (local.get $out) (local.get $i)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
        (local.set $d0 (v128.load offset=0 (local.get $pd)))
        (local.set $d1 (v128.load offset=16 (local.get $pd)))
        (local.set $d2 (v128.load offset=32 (local.get $pd)))
        (local.set $d3 (v128.load offset=48 (local.get $pd)))
        (v128.store offset=0 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d0)))
        (v128.store offset=16 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d1)))
        (v128.store offset=32 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d2)))
        (v128.store offset=48 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d3)))
        (v128.store offset=0 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d0)))
        (v128.store offset=16 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d1)))
        (v128.store offset=32 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d2)))
        (v128.store offset=48 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d3)))
        (v128.store offset=0 (local.get $p2) (f32x4.mul (local.get $a2) (local.get $d0)))
        (v128.store offset=16 (local.get $p2) (f32x4.mul (local.get $a2) (local.get $d1)))
        (v128.store offset=32 (local.get $p2) (f32x4.mul (local.get $a2) (local.get $d2)))
        (v128.store offset=48 (local.get $p2) (f32x4.mul (local.get $a2) (local.get $d3)))
        (v128.store offset=0 (local.get $p3) (f32x4.mul (local.get $a3) (local.get $d0)))
        (v128.store offset=16 (local.get $p3) (f32x4.mul (local.get $a3) (local.get $d1)))
        (v128.store offset=32 (local.get $p3) (f32x4.mul (local.get $a3) (local.get $d2)))
        (v128.store offset=48 (local.get $p3) (f32x4.mul (local.get $a3) (local.get $d3)))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vector))))

  ;; $points2 for a zero baseline: point_k[i] = a_k·diff[i].
  (func $scaled2 (param $out i32) (param $stride i32) (param $diff i32) (param $from i32) (param $to i32) (param $a0 v128) (param $a1 v128)
    (local $i i32) (local $pd i32) (local $p0 i32) (local $p1 i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local.set $i (local.get $from))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $pd (i32.add (local.get $diff) (local.get $i)))
        (local.set $p0 (i32.add (local.get $out) (local.get $i)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
        (local.set $d0 (v128.load offset=0 (local.get $pd)))
        (local.set $d1 (v128.load offset=16 (local.get $pd)))
        (local.set $d2 (v128.load offset=32 (local.get $pd)))
        (local.set $d3 (v128.load offset=48 (local.get $pd)))
        (v128.store offset=0 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d0)))
        (v128.store offset=16 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d1)))
        (v128.store offset=32 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d2)))
        (v128.store offset=48 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d3)))
        (v128.store offset=0 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d0)))
        (v128.store offset=16 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d1)))
        (v128.store offset=32 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d2)))
        (v128.store offset=48 (local.get $p1) (f32x4.mul (local.get $a1) (local.get $d3)))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vector))))

  ;; $points1 for a zero baseline: point_k[i] = a_k·diff[i].
  (func $scaled1 (param $out i32) (param $stride i32) (param $diff i32) (param $from i32) (param $to i32) (param $a0 v128)
    (local $i i32) (local $pd i32) (local $p0 i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local.set $i (local.get $from))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $pd (i32.add (local.get $diff) (local.get $i)))
        (local.set $p0 (i32.add (local.get $out) (local.get $i)))
        (local.set $d0 (v128.load offset=0 (local.get $pd)))
        (local.set $d1 (v128.load offset=16 (local.get $pd)))
        (local.set $d2 (v128.load offset=32 (local.get $pd)))
        (local.set $d3 (v128.load offset=48 (local.get $pd)))
        (v128.store offset=0 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d0)))
        (v128.store offset=16 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d1)))
        (v128.store offset=32 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d2)))
        (v128.store offset=48 (local.get $p0) (f32x4.mul (local.get $a0) (local.get $d3)))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $vector))))

  ;; Point j (j < count) at out + j·stride bytes: point[i] = base[i] + alphas[j]·diff[i] for
  ;; i < n, float32, alphas a float32 array; with $zeroBase (every base[i] is +0), alphas[j]·diff[i].
  (func (export "fill") (param $out i32) (param $stride i32) (param $base i32) (param $diff i32) (param $n i32) (param $alphas i32) (param $count i32) (param $zeroBase i32)
    (local $end i32) (local $vectorEnd i32) (local $chunk i32) (local $chunkEnd i32) (local $j i32) (local $i i32)
    (local $o i32) (local $a i32) (local $alpha f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -64)))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $chunk) (local.get $vectorEnd)))
        (local.set $chunkEnd (select (i32.add (local.get $chunk) (i32.const 4096)) (local.get $vectorEnd)
          (i32.lt_u (i32.add (local.get $chunk) (i32.const 4096)) (local.get $vectorEnd))))
        (local.set $j (i32.const 0))
        (block $pointsDone
          (loop $points
            (br_if $pointsDone (i32.ge_u (local.get $j) (local.get $count)))
            (local.set $o (i32.add (local.get $out) (i32.mul (local.get $j) (local.get $stride))))
            (local.set $a (i32.add (local.get $alphas) (i32.shl (local.get $j) (i32.const 2))))
            (if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $count))
              (then
                (if (local.get $zeroBase)
                  (then
                    (call $scaled4 (local.get $o) (local.get $stride) (local.get $diff) (local.get $chunk) (local.get $chunkEnd)
                      (v128.load32_splat (local.get $a)) (v128.load32_splat offset=4 (local.get $a))
                      (v128.load32_splat offset=8 (local.get $a)) (v128.load32_splat offset=12 (local.get $a))))
                  (else
                    (call $points4 (local.get $o) (local.get $stride) (local.get $base) (local.get $diff) (local.get $chunk) (local.get $chunkEnd)
                      (v128.load32_splat (local.get $a)) (v128.load32_splat offset=4 (local.get $a))
                      (v128.load32_splat offset=8 (local.get $a)) (v128.load32_splat offset=12 (local.get $a)))))
                (local.set $j (i32.add (local.get $j) (i32.const 4))))
              (else
                (if (i32.le_u (i32.add (local.get $j) (i32.const 2)) (local.get $count))
                  (then
                    (if (local.get $zeroBase)
                      (then
                        (call $scaled2 (local.get $o) (local.get $stride) (local.get $diff) (local.get $chunk) (local.get $chunkEnd)
                          (v128.load32_splat (local.get $a)) (v128.load32_splat offset=4 (local.get $a))))
                      (else
                        (call $points2 (local.get $o) (local.get $stride) (local.get $base) (local.get $diff) (local.get $chunk) (local.get $chunkEnd)
                          (v128.load32_splat (local.get $a)) (v128.load32_splat offset=4 (local.get $a)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 2))))
                  (else
                    (if (local.get $zeroBase)
                      (then
                        (call $scaled1 (local.get $o) (local.get $stride) (local.get $diff) (local.get $chunk) (local.get $chunkEnd)
                          (v128.load32_splat (local.get $a))))
                      (else
                        (call $points1 (local.get $o) (local.get $stride) (local.get $base) (local.get $diff) (local.get $chunk) (local.get $chunkEnd)
                          (v128.load32_splat (local.get $a)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))))))
            (br $points)))
        (local.set $chunk (local.get $chunkEnd))
        (br $chunks)))
    ;; The last n mod 16 features, one at a time.
    (local.set $j (i32.const 0))
    (block $tailPointsDone
      (loop $tailPoints
        (br_if $tailPointsDone (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $alpha (f32.load (i32.add (local.get $alphas) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $j) (local.get $stride))))
        (local.set $i (local.get $vectorEnd))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
            (f32.store (i32.add (local.get $o) (local.get $i))
              (f32.add (f32.load (i32.add (local.get $base) (local.get $i)))
                (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $diff) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $tail)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tailPoints))))

  ;; part[i] += (w0·g0[i] + w1·g1[i]) + (w2·g2[i] + w3·g3[i]), float32, for byte offsets i in [from, to),
  ;; 64 bytes a step. With $check, returns the lane-wise sum of the new parts, which is NaN or
  ;; ±Infinity when one of them is (or, rarely, when finite parts overflow: see accumulate).
  (func $rows4 (param $part i32) (param $g0 i32) (param $g1 i32) (param $g2 i32) (param $g3 i32) (param $from i32) (param $to i32) (param $w0 v128) (param $w1 v128) (param $w2 v128) (param $w3 v128) (param $check i32) (result v128)
    (local $i i32) (local $pp i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $total v128)
    (local.set $i (local.get $from))
    (if (local.get $check)
      (then
        (block $checkedDone
          (loop $checked
            (br_if $checkedDone (i32.ge_u (local.get $i) (local.get $to)))
            (local.set $pp (i32.add (local.get $part) (local.get $i)))
            (local.set $p0 (i32.add (local.get $g0) (local.get $i)))
            (local.set $p1 (i32.add (local.get $g1) (local.get $i)))
            (local.set $p2 (i32.add (local.get $g2) (local.get $i)))
            (local.set $p3 (i32.add (local.get $g3) (local.get $i)))
            (local.set $s0 (f32x4.add (v128.load offset=0 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=0 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=0 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=0 (local.get $p3)))))))
            (v128.store offset=0 (local.get $pp) (local.get $s0))
            (local.set $s1 (f32x4.add (v128.load offset=16 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=16 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=16 (local.get $p3)))))))
            (v128.store offset=16 (local.get $pp) (local.get $s1))
            (local.set $s2 (f32x4.add (v128.load offset=32 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=32 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=32 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=32 (local.get $p3)))))))
            (v128.store offset=32 (local.get $pp) (local.get $s2))
            (local.set $s3 (f32x4.add (v128.load offset=48 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=48 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=48 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=48 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $p3)))))))
            (v128.store offset=48 (local.get $pp) (local.get $s3))
            (local.set $total (f32x4.add (local.get $total) (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3)))))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $checked))))
      (else
        (block $plainDone
          (loop $plain
            (br_if $plainDone (i32.ge_u (local.get $i) (local.get $to)))
            (local.set $pp (i32.add (local.get $part) (local.get $i)))
            (local.set $p0 (i32.add (local.get $g0) (local.get $i)))
            (local.set $p1 (i32.add (local.get $g1) (local.get $i)))
            (local.set $p2 (i32.add (local.get $g2) (local.get $i)))
            (local.set $p3 (i32.add (local.get $g3) (local.get $i)))
            (local.set $s0 (f32x4.add (v128.load offset=0 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=0 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=0 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=0 (local.get $p3)))))))
            (v128.store offset=0 (local.get $pp) (local.get $s0))
            (local.set $s1 (f32x4.add (v128.load offset=16 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=16 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=16 (local.get $p3)))))))
            (v128.store offset=16 (local.get $pp) (local.get $s1))
            (local.set $s2 (f32x4.add (v128.load offset=32 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=32 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=32 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=32 (local.get $p3)))))))
            (v128.store offset=32 (local.get $pp) (local.get $s2))
            (local.set $s3 (f32x4.add (v128.load offset=48 (local.get $pp)) (f32x4.add (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=48 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=48 (local.get $p1)))) (f32x4.add (f32x4.mul (local.get $w2) (v128.load offset=48 (local.get $p2))) (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $p3)))))))
            (v128.store offset=48 (local.get $pp) (local.get $s3))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $plain)))))
    (local.get $total))

  ;; part[i] += w0·g0[i] + w1·g1[i], float32, for byte offsets i in [from, to),
  ;; 64 bytes a step. With $check, returns the lane-wise sum of the new parts, which is NaN or
  ;; ±Infinity when one of them is (or, rarely, when finite parts overflow: see accumulate).
  (func $rows2 (param $part i32) (param $g0 i32) (param $g1 i32) (param $from i32) (param $to i32) (param $w0 v128) (param $w1 v128) (param $check i32) (result v128)
    (local $i i32) (local $pp i32) (local $p0 i32) (local $p1 i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $total v128)
    (local.set $i (local.get $from))
    (if (local.get $check)
      (then
        (block $checkedDone
          (loop $checked
            (br_if $checkedDone (i32.ge_u (local.get $i) (local.get $to)))
            (local.set $pp (i32.add (local.get $part) (local.get $i)))
            (local.set $p0 (i32.add (local.get $g0) (local.get $i)))
            (local.set $p1 (i32.add (local.get $g1) (local.get $i)))
            (local.set $s0 (f32x4.add (v128.load offset=0 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=0 (local.get $p1))))))
            (v128.store offset=0 (local.get $pp) (local.get $s0))
            (local.set $s1 (f32x4.add (v128.load offset=16 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $p1))))))
            (v128.store offset=16 (local.get $pp) (local.get $s1))
            (local.set $s2 (f32x4.add (v128.load offset=32 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=32 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=32 (local.get $p1))))))
            (v128.store offset=32 (local.get $pp) (local.get $s2))
            (local.set $s3 (f32x4.add (v128.load offset=48 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=48 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=48 (local.get $p1))))))
            (v128.store offset=48 (local.get $pp) (local.get $s3))
            (local.set $total (f32x4.add (local.get $total) (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3)))))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $checked))))
      (else
        (block $plainDone
          (loop $plain
            (br_if $plainDone (i32.ge_u (local.get $i) (local.get $to)))
            (local.set $pp (i32.add (local.get $part) (local.get $i)))
            (local.set $p0 (i32.add (local.get $g0) (local.get $i)))
            (local.set $p1 (i32.add (local.get $g1) (local.get $i)))
            (local.set $s0 (f32x4.add (v128.load offset=0 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=0 (local.get $p1))))))
            (v128.store offset=0 (local.get $pp) (local.get $s0))
            (local.set $s1 (f32x4.add (v128.load offset=16 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $p1))))))
            (v128.store offset=16 (local.get $pp) (local.get $s1))
            (local.set $s2 (f32x4.add (v128.load offset=32 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=32 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=32 (local.get $p1))))))
            (v128.store offset=32 (local.get $pp) (local.get $s2))
            (local.set $s3 (f32x4.add (v128.load offset=48 (local.get $pp)) (f32x4.add (f32x4.mul (local.get $w0) (v128.load offset=48 (local.get $p0))) (f32x4.mul (local.get $w1) (v128.load offset=48 (local.get $p1))))))
            (v128.store offset=48 (local.get $pp) (local.get $s3))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $plain)))))
    (local.get $total))

  ;; part[i] += w0·g0[i], float32, for byte offsets i in [from, to),
  ;; 64 bytes a step. With $check, returns the lane-wise sum of the new parts, which is NaN or
  ;; ±Infinity when one of them is (or, rarely, when finite parts overflow: see accumulate).
  (func $rows1 (param $part i32) (param $g0 i32) (param $from i32) (param $to i32) (param $w0 v128) (param $check i32) (result v128)
    (local $i i32) (local $pp i32) (local $p0 i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $total v128)
    (local.set $i (local.get $from))
    (if (local.get $check)
      (then
        (block $checkedDone
          (loop $checked
            (br_if $checkedDone (i32.ge_u (local.get $i) (local.get $to)))
            (local.set $pp (i32.add (local.get $part) (local.get $i)))
            (local.set $p0 (i32.add (local.get $g0) (local.get $i)))
            (local.set $s0 (f32x4.add (v128.load offset=0 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $p0)))))
            (v128.store offset=0 (local.get $pp) (local.get $s0))
            (local.set $s1 (f32x4.add (v128.load offset=16 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $p0)))))
            (v128.store offset=16 (local.get $pp) (local.get $s1))
            (local.set $s2 (f32x4.add (v128.load offset=32 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=32 (local.get $p0)))))
            (v128.store offset=32 (local.get $pp) (local.get $s2))
            (local.set $s3 (f32x4.add (v128.load offset=48 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=48 (local.get $p0)))))
            (v128.store offset=48 (local.get $pp) (local.get $s3))
            (local.set $total (f32x4.add (local.get $total) (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3)))))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $checked))))
      (else
        (block $plainDone
          (loop $plain
            (br_if $plainDone (i32.ge_u (local.get $i) (local.get $to)))
            (local.set $pp (i32.add (local.get $part) (local.get $i)))
            (local.set $p0 (i32.add (local.get $g0) (local.get $i)))
            (local.set $s0 (f32x4.add (v128.load offset=0 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $p0)))))
            (v128.store offset=0 (local.get $pp) (local.get $s0))
            (local.set $s1 (f32x4.add (v128.load offset=16 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $p0)))))
            (v128.store offset=16 (local.get $pp) (local.get $s1))
            (local.set $s2 (f32x4.add (v128.load offset=32 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=32 (local.get $p0)))))
            (v128.store offset=32 (local.get $pp) (local.get $s2))
            (local.set $s3 (f32x4.add (v128.load offset=48 (local.get $pp)) (f32x4.mul (local.get $w0) (v128.load offset=48 (local.get $p0)))))
            (v128.store offset=48 (local.get $pp) (local.get $s3))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $plain)))))
    (local.get $total))

  ;; sum[i] += part[i] (sum float64 at twice the offset), part[i] = 0, for byte offsets i in
  ;; [from, to) of the float32 part, 32 bytes a step. Finite float32 parts cannot overflow the
  ;; float64 sum, so nothing is checked here.
  (func $widenRange (param $sum i32) (param $part i32) (param $from i32) (param $to i32)
    (local $i i32) (local $j i32) (local $p v128) (local $q v128)
    (local.set $i (local.get $from))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $p (v128.load (i32.add (local.get $part) (local.get $i))))
        (local.set $q (v128.load offset=16 (i32.add (local.get $part) (local.get $i))))
        (local.set $j (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1))))
        (v128.store offset=0 (local.get $j) (f64x2.add (v128.load offset=0 (local.get $j)) (f64x2.promote_low_f32x4 (local.get $p))))
        (v128.store offset=16 (local.get $j) (f64x2.add (v128.load offset=16 (local.get $j))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p)))))
        (v128.store offset=32 (local.get $j) (f64x2.add (v128.load offset=32 (local.get $j)) (f64x2.promote_low_f32x4 (local.get $q))))
        (v128.store offset=48 (local.get $j) (f64x2.add (v128.load offset=48 (local.get $j))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $q) (local.get $q)))))
        (v128.store offset=0 (i32.add (local.get $part) (local.get $i)) (v128.const i32x4 0 0 0 0))
        (v128.store offset=16 (i32.add (local.get $part) (local.get $i)) (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $vector))))

  ;; 1 when any of the float32 values[i], i < n, is NaN or ±Infinity (v − v is +0 exactly when v
  ;; is finite), else 0.
  (func $nonFinite (param $values i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $vectorEnd i32) (local $v v128) (local $bad v128) (local $x f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $i) (local.get $vectorEnd)))
        (local.set $v (v128.load (i32.add (local.get $values) (local.get $i))))
        (local.set $bad (v128.or (local.get $bad) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x (f32.load (i32.add (local.get $values) (local.get $i))))
        (if (f32.ne (f32.sub (local.get $x) (local.get $x)) (f32.const 0))
          (then (local.set $bad (v128.const i32x4 -1 -1 -1 -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    (v128.any_true (local.get $bad)))

  ;; Row j (j < count) at g + j·stride bytes, weights a float32 array: part[i] += Σ_j
  ;; weights[j]·row_j[i] for i < n in float32, up to four rows per pass. When $widen is 1, then
  ;; sum[i] += part[i] in float64 and part[i] = 0. Returns 1 when any new part is NaN or ±Infinity,
  ;; else 0. The last pass over each chunk sums what it writes (one add per vector, against two
  ;; for a compare); only when a sum is not finite is the partial checked value by value.
  (func (export "accumulate") (param $part i32) (param $sum i32) (param $g i32) (param $stride i32) (param $n i32) (param $weights i32) (param $count i32) (param $widen i32) (result i32)
    (local $end i32) (local $vectorEnd i32) (local $chunk i32) (local $chunkEnd i32) (local $j i32) (local $rows i32)
    (local $g0 i32) (local $w i32) (local $total v128) (local $suspect v128) (local $bad i32)
    (local $i i32) (local $p f32) (local $s f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -64)))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $chunk) (local.get $vectorEnd)))
        (local.set $chunkEnd (select (i32.add (local.get $chunk) (i32.const 4096)) (local.get $vectorEnd)
          (i32.lt_u (i32.add (local.get $chunk) (i32.const 4096)) (local.get $vectorEnd))))
        (local.set $j (i32.const 0))
        (block $groupsDone
          (loop $groups
            (local.set $rows (i32.sub (local.get $count) (local.get $j)))
            (br_if $groupsDone (i32.le_s (local.get $rows) (i32.const 0)))
            (local.set $g0 (i32.add (local.get $g) (i32.mul (local.get $j) (local.get $stride))))
            (local.set $w (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))
            (if (i32.ge_s (local.get $rows) (i32.const 4))
              (then
                (local.set $total
                  (call $rows4 (local.get $part) (local.get $g0) (i32.add (local.get $g0) (local.get $stride))
                    (i32.add (local.get $g0) (i32.shl (local.get $stride) (i32.const 1)))
                    (i32.add (local.get $g0) (i32.mul (local.get $stride) (i32.const 3)))
                    (local.get $chunk) (local.get $chunkEnd)
                    (v128.load32_splat (local.get $w)) (v128.load32_splat offset=4 (local.get $w))
                    (v128.load32_splat offset=8 (local.get $w)) (v128.load32_splat offset=12 (local.get $w))
                    (i32.eq (local.get $rows) (i32.const 4))))
                (local.set $j (i32.add (local.get $j) (i32.const 4))))
              (else
                (if (i32.ge_s (local.get $rows) (i32.const 2))
                  (then
                    (local.set $total
                      (call $rows2 (local.get $part) (local.get $g0) (i32.add (local.get $g0) (local.get $stride))
                        (local.get $chunk) (local.get $chunkEnd)
                        (v128.load32_splat (local.get $w)) (v128.load32_splat offset=4 (local.get $w))
                        (i32.eq (local.get $rows) (i32.const 2))))
                    (local.set $j (i32.add (local.get $j) (i32.const 2))))
                  (else
                    (local.set $total
                      (call $rows1 (local.get $part) (local.get $g0) (local.get $chunk) (local.get $chunkEnd)
                        (v128.load32_splat (local.get $w)) (i32.const 1)))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))))))
            (br $groups)))
        ;; Only the last pass's total is kept: it covers every new part of the chunk.
        (local.set $suspect (v128.or (local.get $suspect) (f32x4.sub (local.get $total) (local.get $total))))
        (if (local.get $widen)
          (then (call $widenRange (local.get $sum) (local.get $part) (local.get $chunk) (local.get $chunkEnd))))
        (local.set $chunk (local.get $chunkEnd))
        (br $chunks)))
    ;; The last n mod 16 features, one at a time.
    (local.set $i (local.get $vectorEnd))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (f32.load (i32.add (local.get $part) (local.get $i))))
        (local.set $j (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $count)))
            (local.set $p (f32.add (local.get $p)
              (f32.mul (f32.load (i32.add (local.get $weights) (i32.shl (local.get $j) (i32.const 2))))
                (f32.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $j) (local.get $stride))) (local.get $i))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $row)))
        (if (f32.ne (f32.sub (local.get $p) (local.get $p)) (f32.const 0))
          (then (local.set $bad (i32.const 1))))
        (if (local.get $widen)
          (then
            (local.set $s (f64.add (f64.load (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1)))) (f64.promote_f32 (local.get $p))))
            (f64.store (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1))) (local.get $s))
            (f32.store (i32.add (local.get $part) (local.get $i)) (f32.const 0)))
          (else
            (f32.store (i32.add (local.get $part) (local.get $i)) (local.get $p))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    ;; A widened partial is zero: its sum then holds what the check needs.
    (if (v128.any_true (local.get $suspect))
      (then
        (if (local.get $widen)
          (then (local.set $bad (i32.or (local.get $bad) (call $nonFiniteSum (local.get $sum) (local.get $vectorEnd)))))
          (else (local.set $bad (i32.or (local.get $bad) (call $nonFinite (local.get $part) (i32.shr_u (local.get $vectorEnd) (i32.const 2)))))))))
    (local.get $bad))

  ;; 1 when any of the float64 values[i] for byte offsets i in [0, 2·to) is NaN or ±Infinity.
  (func $nonFiniteSum (param $values i32) (param $to i32) (result i32)
    (local $i i32) (local $v v128) (local $bad v128)
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (i32.shl (local.get $to) (i32.const 1))))
        (local.set $v (v128.load (i32.add (local.get $values) (local.get $i))))
        (local.set $bad (v128.or (local.get $bad) (f64x2.sub (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (v128.any_true (local.get $bad)))

  ;; sum[i] += part[i] (sum float64, part float32), then part[i] = 0, for i < n.
  (func (export "widen") (param $sum i32) (param $part i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vectorEnd i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -32)))
    (call $widenRange (local.get $sum) (local.get $part) (i32.const 0) (local.get $vectorEnd))
    (local.set $i (local.get $vectorEnd))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1)))
          (f64.add (f64.load (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 1))))
            (f64.promote_f32 (f32.load (i32.add (local.get $part) (local.get $i))))))
        (f32.store (i32.add (local.get $part) (local.get $i)) (f32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))
)
