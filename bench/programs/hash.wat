;; (c) an i64 hash over a counter: multiply, xor, shift and rotate per step.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $h i64) (local $i i64) (local $end i64)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (local.set $end (i64.extend_i32_u (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $end)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $i)) (i64.const 0x100000001b3)))
        (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
        (local.set $h (i64.rotl (local.get $h) (i64.const 17)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (i32.wrap_i64 (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))))
