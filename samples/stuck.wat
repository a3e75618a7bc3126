;; Loops forever. Only the platform's timeout can end it: the nanoprocess is terminated.
(module
  (func (export "_start")
    loop $forever
      br $forever
    end))
