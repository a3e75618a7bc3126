import type { Lesson, LessonButton } from './types';

/** Compare: `clients` calling fn(arg) back to back for 3 s under `a` then `b` workers. */
function compareWorkers(fn: string, arg: string, clients: number, a: number, b: number): LessonButton {
  return {
    label: `Compare ${a} vs ${b} workers on ${fn.split('-')[0]}(${arg})`,
    panel: 'compare',
    reveal: 'section[aria-label="Comparison results"]',
    actions: [
      {
        do: 'compare',
        workload: { fn, args: arg, mode: 'closed', concurrency: clients, duration: 3, count: null },
        a: { maxWorkers: a, prewarm: a },
        b: { maxWorkers: b, prewarm: b },
      },
    ],
  };
}

export default {
  id: 'scaling',
  title: 'Scaling with the pool',
  order: 7,
  summary: 'More workers run more calls at once; for computing, only as many as there are cores.',
  functions: [
    { name: 'sleep-scaling', sample: 'sleep', args: ['50'] },
    { name: 'fib-scaling', sample: 'fib', args: ['32'] },
  ],
  steps: [
    {
      fn: 'sleep-scaling',
      text:
        'A function that waits, like one calling a database: sleep(50 ms) holds its worker for 50 ms whatever ' +
        'else the machine does. Eight clients call it back to back for 3 s, with 1 worker, then 4: throughput ' +
        'grows with the pool, even past the {cores} cores this browser reports (navigator.hardwareConcurrency).',
      buttons: [compareWorkers('sleep-scaling', '50', 8, 1, 4)],
    },
    {
      fn: 'fib-scaling',
      text:
        'A function that computes, fib(32), needs a core for every call it runs. On a quiet machine 2 workers ' +
        'do about twice the work of 1, but never more than {cores} workers’ worth here ({cores} cores), and ' +
        'less when other programs keep the cores busy: on a shared 2-core machine the difference can vanish.',
      buttons: [compareWorkers('fib-scaling', '32', 4, 1, 2)],
    },
  ],
} satisfies Lesson;
