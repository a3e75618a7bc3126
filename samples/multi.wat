;; Multi-value and every number type: returns (a + b, a * b) for i64, and f32/f64 helpers.
(module
  (func (export "_start") (param $a i64) (param $b i64) (result i64 i64)
    (i64.add (local.get $a) (local.get $b))
    (i64.mul (local.get $a) (local.get $b)))
  (func (export "neg32") (param $x f32) (result f32)
    (f32.neg (local.get $x)))
  (func (export "div64") (param $a f64) (param $b f64) (result f64)
    (f64.div (local.get $a) (local.get $b)))
  (func (export "swap") (param $a i32) (param $b i32) (result i32 i32)
    (local.get $b) (local.get $a)))
