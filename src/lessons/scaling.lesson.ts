import type { Lesson } from './types';

const RESULTS = 'section[aria-label="Comparison results"]';

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
      buttons: [
        {
          label: 'Compare 1 vs 4 workers on sleep(50)',
          panel: 'compare',
          reveal: RESULTS,
          actions: [
            {
              do: 'compare',
              workload: {
                fn: 'sleep-scaling',
                args: '50',
                mode: 'closed',
                concurrency: 8,
                duration: 3,
                count: null,
              },
              a: { maxWorkers: 1, prewarm: 1 },
              b: { maxWorkers: 4, prewarm: 4 },
            },
          ],
        },
      ],
    },
    {
      fn: 'fib-scaling',
      text:
        'A function that computes, fib(32), needs a core for every call it runs. On a quiet machine 2 workers ' +
        'do about twice the work of 1, but never more than {cores} workers’ worth here ({cores} cores), and ' +
        'less when other programs keep the cores busy: on a shared 2-core machine the difference can vanish.',
      buttons: [
        {
          label: 'Compare 1 vs 2 workers on fib(32)',
          panel: 'compare',
          reveal: RESULTS,
          actions: [
            {
              do: 'compare',
              workload: {
                fn: 'fib-scaling',
                args: '32',
                mode: 'closed',
                concurrency: 4,
                duration: 3,
                count: null,
              },
              a: { maxWorkers: 1, prewarm: 1 },
              b: { maxWorkers: 2, prewarm: 2 },
            },
          ],
        },
      ],
    },
  ],
} satisfies Lesson;
