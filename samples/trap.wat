;; Fails on purpose: "divide" traps on division by zero, "unreachable" hits an
;; unreachable instruction, "oob" reads far outside its memory.
(module
  (memory 1)
  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func (export "unreachable")
    unreachable)
  (func (export "oob") (result i32)
    (i32.load (i32.const 0x7fffffff)))
  (func (export "_start") (result i32)
    (call $divide (i32.const 1) (i32.const 0))))
