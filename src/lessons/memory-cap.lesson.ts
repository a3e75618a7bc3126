import type { Lesson, LessonButton } from './types';

const GROW_TO = `;; Grows memory one page (64 KiB) at a time to $mib MiB; traps when memory.grow refuses.
;; Returns the memory size in MiB.
(module
  (memory (export "memory") 1)
  (func (export "_start") (param $mib i32) (result i32)
    loop $grow
      (i32.lt_u (memory.size) (i32.mul (local.get $mib) (i32.const 16)))
      if
        (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
        if
          unreachable
        end
        br $grow
      end
    end
    (i32.div_u (memory.size) (i32.const 16))))
`;

/** Sets the cap and asks grow-to for 32 MiB. */
function askFor32(label: string, memoryMiB: number): LessonButton {
  return {
    label,
    panel: 'run',
    actions: [
      { do: 'config', fn: 'grow-to', set: { memoryMiB } },
      { do: 'run', fn: 'grow-to', args: ['32'] },
    ],
  };
}

export default {
  id: 'memory-cap',
  title: 'Memory caps',
  order: 5,
  summary: 'memory.grow past the cap is refused; a function that needs more fails as memory-limit.',
  functions: [{ name: 'grow-to', wat: GROW_TO, config: { memoryMiB: 16 }, args: ['32'] }],
  steps: [
    {
      fn: 'grow-to',
      text:
        'Each function has a memory cap (also what its GB-seconds are billed on). grow-to grows its memory to ' +
        'N MiB and traps if memory.grow refuses; a trap with memory at the cap is reported as memory-limit.',
      buttons: [askFor32('Ask for 32 MiB under a 16 MiB cap', 16)],
    },
    {
      text: 'Raise the cap and the same call fits: the badge shows the memory it ended with.',
      buttons: [askFor32('Cap 64 MiB: ask for 32 MiB again', 64)],
    },
  ],
} satisfies Lesson;
