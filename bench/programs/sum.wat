;; (b) a tight i32 loop: run(n) = Σ (i * i ^ i) for i = n..1, wrapping.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc
          (i32.add (local.get $acc) (i32.xor (i32.mul (local.get $n) (local.get $n)) (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
