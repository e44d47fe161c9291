;; A Fluent system runtime exercising the entry and exit conventions. input[0] picks the case:
;; 0 write "main", return 0 · 1 return -1 (revert) · 2 write, _exit(-1) · 3 trap
;; 4 guest-level interruption (return -3 with a request as output; answer echoed on re-entry)
;; 5 spin charging _charge_fuel(10) · 6 _charge_fuel(10^12) · other: spin without charging.
;; memory[0..4] counts the runs of the instance.
(module
  (import "fluentbase_v1preview" "_write" (func $write (param i32 i32)))
  (import "fluentbase_v1preview" "_exit" (func $exit (param i32)))
  (import "fluentbase_v1preview" "_read" (func $read (param i32 i32 i32)))
  (import "fluentbase_v1preview" "_output_size" (func $output_size (result i32)))
  (import "fluentbase_v1preview" "_read_output" (func $read_output (param i32 i32 i32)))
  (import "fluentbase_v1preview" "_charge_fuel" (func $charge_fuel (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "main")

  (func (export "main") (param $argc i32) (param $argv i32) (result i32)
    (local $size i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    ;; Fluent calls main(0, 0)
    (if (i32.or (local.get $argc) (local.get $argv)) (then (return (i32.const -1005))))
    (call $read (i32.const 32) (i32.const 0) (i32.const 1))
    (block $spin_free (block $big (block $spin (block $guest (block $trap (block $exit (block $revert (block $ok
      (br_table $ok $revert $exit $trap $guest $spin $big $spin_free (i32.load8_u (i32.const 32))))
      (call $write (i32.const 16) (i32.const 4))
      (return (i32.const 0)))
      (return (i32.const -1)))
      (call $write (i32.const 16) (i32.const 4))
      (call $exit (i32.const -1))
      (unreachable))
      (unreachable))
      (local.set $size (call $output_size))
      (if (i32.eqz (local.get $size))
        (then (call $write (i32.const 16) (i32.const 4)) (return (i32.const -3))))
      (call $read_output (i32.const 64) (i32.const 0) (local.get $size))
      (call $write (i32.const 64) (local.get $size))
      (return (i32.const 0)))
      (loop $again (call $charge_fuel (i64.const 10)) (br $again)))
      (call $charge_fuel (i64.const 1000000000000))
      (return (i32.const 0)))
    ;; (a body: the reference verifier refuses the bare self-branch \`(loop (br 0))\` compiles to)
    (loop $forever
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
      (br $forever))
    (i32.const 0))

  (func (export "deploy") (result i32)
    (call $write (i32.const 16) (i32.const 4))
    (i32.const 7)))
