;; run(n): `once` runs once; the loop calls `square` n times, and `square` has a loop of its own.
;; (test/interpreter/cold-code.test.ts)
(module
  (func $once (param $x i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 7)))
  (func $square (param $x i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $x)))
        (local.set $acc (i32.add (local.get $acc) (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (local.set $sum (call $once (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $square (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
