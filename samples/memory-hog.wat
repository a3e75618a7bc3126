;; Grows its memory one page (64 KiB) at a time until memory.grow refuses (returns -1),
;; then returns how many pages it holds. The function's memory cap decides where it stops.
(module
  (memory (export "memory") 1)
  (func (export "_start") (result i32)
    block $refused
      loop $grow
        (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
        br_if $refused
        br $grow
      end
    end
    memory.size))
