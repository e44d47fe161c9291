;; run(n) = sum over i < n of (i + i + i + i): four i32.adds a pass (test/compiled/fuel-window.test.ts).
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc)
          (i32.add (i32.add (local.get $i) (local.get $i)) (i32.add (local.get $i) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
