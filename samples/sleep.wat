;; Waits actively for the given number of milliseconds (the seed's sleep, with a parameter).
;; It reads the clock through the platform.now import.
(module
  (import "platform" "now" (func $now (result f64)))
  (func (export "_start") (param $ms i32)
    (local $target f64)
    (f64.add (call $now) (f64.convert_i32_s (local.get $ms)))
    local.set $target
    loop $wait
      (f64.lt (call $now) (local.get $target))
      br_if $wait
    end))
