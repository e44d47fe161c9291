;; (d) memory: fill n words with an LCG, bubble-sort them (branch-free compare-and-swap, so the
;; work does not depend on the data), return a position-weighted checksum. n ≤ 16384.
(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $x i32) (local $a i32) (local $b i32) (local $p i32) (local $sum i32)
    ;; fill
    (local.set $x (i32.const 12345))
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $x))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    ;; bubble sort: n - 1 passes over the unsorted prefix
    (local.set $i (i32.const 1))
    (block $sorted
      (loop $pass
        (br_if $sorted (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $passed
          (loop $step
            (br_if $passed (i32.ge_u (local.get $j) (i32.sub (local.get $n) (local.get $i))))
            (local.set $p (i32.shl (local.get $j) (i32.const 2)))
            (local.set $a (i32.load (local.get $p)))
            (local.set $b (i32.load offset=4 (local.get $p)))
            (i32.store (local.get $p)
              (select (local.get $b) (local.get $a) (i32.gt_u (local.get $a) (local.get $b))))
            (i32.store offset=4 (local.get $p)
              (select (local.get $a) (local.get $b) (i32.gt_u (local.get $a) (local.get $b))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $step)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $pass)))
    ;; checksum
    (local.set $i (i32.const 0))
    (block $summed
      (loop $sum_next
        (br_if $summed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (i32.rotl (local.get $sum) (i32.const 5))
                   (i32.xor (i32.load (i32.shl (local.get $i) (i32.const 2))) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum_next)))
    (local.get $sum)))
