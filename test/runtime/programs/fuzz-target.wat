;; A contract with a bug behind a three-byte password, for the coverage-guided fuzzing example:
;; main reads its input and traps (unreachable) when it starts with "FUZ". Each matching byte is a
;; branch of its own, so coverage shows a fuzzer every step towards it.
(module
  (import "fluentbase_v1preview" "_read" (func $read (param i32 i32 i32)))
  (import "fluentbase_v1preview" "_input_size" (func $input_size (result i32)))
  (memory (export "memory") 1)

  (func (export "main") (param $argc i32) (param $argv i32) (result i32)
    (local $size i32)
    (local.set $size (call $input_size))
    (if (i32.lt_u (local.get $size) (i32.const 3)) (then (return (i32.const 0))))
    (call $read (i32.const 0) (i32.const 0) (i32.const 3))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 0x46))
      (then
        (if (i32.eq (i32.load8_u (i32.const 1)) (i32.const 0x55))
          (then
            (if (i32.eq (i32.load8_u (i32.const 2)) (i32.const 0x5a))
              (then (unreachable)))))))
    (i32.const 0))

  (func (export "deploy") (result i32) (i32.const 0)))
