;; One output row of the YUV nearest path (yuv-nearest-wasm.ts), 4 pixels per
;; step with WebAssembly SIMD. Compiled to yuv-nearest.wasm by the runtime's
;; build (runtime/scripts/build-wasm.mjs, the wabt npm package).
;;
;; The caller copies the row's sampled span of Y, U and V bytes into memory
;; and fills the constants below. The output columns sample the source at a
;; fixed step, so the 4 pixels of every step sit at the same offsets inside
;; one 16-byte load: one swizzle per plane picks them straight into the low
;; byte of four 32-bit lanes. Then, per output channel c (channel_order's
;; order, so BGR is only other constants):
;;
;;   level = clamp(round(Y*CY + U*CU[c] + V*CV[c] + K[c]), 0, 255)
;;   value = level * S[c] + A[c]
;;
;; Memory layout (bytes):
;;   0   Y swizzle mask      16  U mask      32  V mask      48  CY (f32x4)
;;   64 + 80*c: CU[c], CV[c], K[c], S[c], A[c] (f32x4 each), c = 0, 1, 2
;;   304 and up: the caller's rows and the output row.
(module
  (memory (export "memory") 1)

  (func (export "row")
    (param $y i32)      ;; first Y byte of the row's span
    (param $u i32)      ;; first U byte (NV12: the interleaved UV row, $v = $u)
    (param $v i32)      ;; first V byte
    (param $out i32)    ;; output row (f32)
    (param $groups i32) ;; 4-pixel steps to write
    (param $ystep i32)  ;; Y bytes between steps
    (param $cstep i32)  ;; chroma bytes between steps
    (param $plane i32)  ;; 0: interleaved (nhwc); else bytes between the channel rows (nchw)
    (local $ymask v128) (local $umask v128) (local $vmask v128) (local $cy v128)
    (local $cu0 v128) (local $cv0 v128) (local $k0 v128) (local $s0 v128) (local $a0 v128)
    (local $cu1 v128) (local $cv1 v128) (local $k1 v128) (local $s1 v128) (local $a1 v128)
    (local $cu2 v128) (local $cv2 v128) (local $k2 v128) (local $s2 v128) (local $a2 v128)
    (local $zero v128) (local $max v128)
    (local $yf v128) (local $uf v128) (local $vf v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128)
    (local $t v128)
    (local $end i32)
    ;; Constants into locals once (the compiler keeps what fits in registers).
    (local.set $ymask (v128.load (i32.const 0)))
    (local.set $umask (v128.load (i32.const 16)))
    (local.set $vmask (v128.load (i32.const 32)))
    (local.set $cy (v128.load (i32.const 48)))
    (local.set $cu0 (v128.load (i32.const 64)))
    (local.set $cv0 (v128.load (i32.const 80)))
    (local.set $k0 (v128.load (i32.const 96)))
    (local.set $s0 (v128.load (i32.const 112)))
    (local.set $a0 (v128.load (i32.const 128)))
    (local.set $cu1 (v128.load (i32.const 144)))
    (local.set $cv1 (v128.load (i32.const 160)))
    (local.set $k1 (v128.load (i32.const 176)))
    (local.set $s1 (v128.load (i32.const 192)))
    (local.set $a1 (v128.load (i32.const 208)))
    (local.set $cu2 (v128.load (i32.const 224)))
    (local.set $cv2 (v128.load (i32.const 240)))
    (local.set $k2 (v128.load (i32.const 256)))
    (local.set $s2 (v128.load (i32.const 272)))
    (local.set $a2 (v128.load (i32.const 288)))
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $max (v128.const f32x4 255 255 255 255))
    (local.set $end (i32.add (local.get $y) (i32.mul (local.get $groups) (local.get $ystep))))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        ;; The 4 samples of each plane, as floats; Y already times CY.
        (local.set $yf (f32x4.mul (local.get $cy)
          (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $y)) (local.get $ymask)))))
        (local.set $uf (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $u)) (local.get $umask))))
        (local.set $vf (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $v)) (local.get $vmask))))
        (local.set $c0
          (f32x4.add
            (f32x4.mul
              (f32x4.pmin
                (f32x4.pmax
                  (f32x4.nearest
                    (f32x4.add
                      (f32x4.add (local.get $yf) (local.get $k0))
                      (f32x4.add (f32x4.mul (local.get $uf) (local.get $cu0)) (f32x4.mul (local.get $vf) (local.get $cv0)))))
                  (local.get $zero))
                (local.get $max))
              (local.get $s0))
            (local.get $a0)))
        (local.set $c1
          (f32x4.add
            (f32x4.mul
              (f32x4.pmin
                (f32x4.pmax
                  (f32x4.nearest
                    (f32x4.add
                      (f32x4.add (local.get $yf) (local.get $k1))
                      (f32x4.add (f32x4.mul (local.get $uf) (local.get $cu1)) (f32x4.mul (local.get $vf) (local.get $cv1)))))
                  (local.get $zero))
                (local.get $max))
              (local.get $s1))
            (local.get $a1)))
        (local.set $c2
          (f32x4.add
            (f32x4.mul
              (f32x4.pmin
                (f32x4.pmax
                  (f32x4.nearest
                    (f32x4.add
                      (f32x4.add (local.get $yf) (local.get $k2))
                      (f32x4.add (f32x4.mul (local.get $uf) (local.get $cu2)) (f32x4.mul (local.get $vf) (local.get $cv2)))))
                  (local.get $zero))
                (local.get $max))
              (local.get $s2))
            (local.get $a2)))
        (if (local.get $plane)
          (then
            (v128.store (local.get $out) (local.get $c0))
            (v128.store (i32.add (local.get $out) (local.get $plane)) (local.get $c1))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $plane) (i32.const 1))) (local.get $c2))
            (local.set $out (i32.add (local.get $out) (i32.const 16))))
          (else
            ;; a0 b0 c0 a1 | b1 c1 a2 b2 | c2 a3 b3 c3 (lanes of c0 = a, c1 = b, c2 = c)
            (local.set $t (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0) (local.get $c1)))
            (v128.store (local.get $out)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 8 9 10 11 (local.get $t) (local.get $c2)))
            (local.set $t (i8x16.shuffle 4 5 6 7 20 21 22 23 8 9 10 11 24 25 26 27 (local.get $c1) (local.get $c2)))
            (v128.store offset=16 (local.get $out)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 24 25 26 27 8 9 10 11 (local.get $t) (local.get $c0)))
            (local.set $t (i8x16.shuffle 8 9 10 11 28 29 30 31 12 13 14 15 12 13 14 15 (local.get $c2) (local.get $c0)))
            (v128.store offset=32 (local.get $out)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 28 29 30 31 8 9 10 11 (local.get $t) (local.get $c1)))
            (local.set $out (i32.add (local.get $out) (i32.const 48)))))
        (local.set $y (i32.add (local.get $y) (local.get $ystep)))
        (local.set $u (i32.add (local.get $u) (local.get $cstep)))
        (local.set $v (i32.add (local.get $v) (local.get $cstep)))
        (br $step))))
)
