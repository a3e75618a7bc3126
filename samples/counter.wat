;; Counts its invocations in a global. With the "fresh" policy every call gets a new
;; instance and answers 1; with "reuse" a warm instance keeps counting: 1, 2, 3, …
(module
  (global $count (mut i32) (i32.const 0))
  (func (export "_start") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count)))
