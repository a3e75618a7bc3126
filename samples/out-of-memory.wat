;; Keeps allocating, as a program that never checks malloc's answer does: it grows its memory a
;; page (64 KiB) at a time and writes into each new page. At the cap memory.grow returns -1; the
;; write "into page -1" lands outside memory and traps, and a trap at the cap ends the call as
;; memory-limit. Raise the memory cap in Settings and it still ends there, only later.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (local $page i32)
    loop $allocate
      (local.set $page (memory.grow (i32.const 1)))
      (i32.store (i32.mul (local.get $page) (i32.const 65536)) (local.get $page))
      br $allocate
    end))
