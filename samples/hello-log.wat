;; Writes a line to the invocation's log with platform.log(ptr, len) and returns its length.
(module
  (import "platform" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from a nanoprocess! \f0\9f\91\8b")
  (func (export "_start") (result i32)
    (call $log (i32.const 16) (i32.const 30))
    i32.const 30))
