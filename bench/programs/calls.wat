;; (e) calls: four small calls per iteration, one of them through call_indirect.
(module
  (type $unary (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $double $square)
  (func $inc (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1)))
  (func $mix (param $x i32) (param $y i32) (result i32)
    (i32.xor (local.get $x) (i32.rotl (local.get $y) (i32.const 7))))
  (func $double (type $unary) (i32.shl (local.get 0) (i32.const 1)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $step (param $acc i32) (param $i i32) (result i32)
    (i32.add (local.get $acc) (local.get $i)))
  (func (export "run") (param $n i32) (result i32)
    (local $acc i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $acc (call $mix (local.get $acc) (local.get $i)))
        (local.set $acc (call_indirect (type $unary) (local.get $acc) (i32.and (local.get $i) (i32.const 1))))
        (local.set $acc (call $step (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
