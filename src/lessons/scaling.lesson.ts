import type { Lesson } from './types';

export default {
  id: 'scaling',
  title: 'Scaling with the pool',
  order: 7,
  summary: 'More workers run more calls at once, up to the cores of the machine.',
  functions: [{ name: 'fib-scaling', sample: 'fib', args: ['30'] }],
  steps: [
    {
      fn: 'fib-scaling',
      text:
        'Four clients call fib(30) back to back for 3 s, first with 1 worker, then with 2. Each worker is a ' +
        'thread: this browser reports {cores} cores (navigator.hardwareConcurrency), so up to {cores} workers ' +
        'can compute at once. Compare the throughput rows.',
      buttons: [
        {
          label: 'Compare 1 vs 2 workers',
          panel: 'compare',
          actions: [
            {
              do: 'compare',
              workload: {
                fn: 'fib-scaling',
                args: '30',
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
    {
      text:
        'Beyond the cores, workers only take turns: with {cores} cores, 4 workers beat 2 only if {cores} is ' +
        'more than 2. Other programs on the machine take their share too.',
      buttons: [
        {
          label: 'Compare 2 vs 4 workers',
          panel: 'compare',
          actions: [
            {
              do: 'compare',
              workload: {
                fn: 'fib-scaling',
                args: '30',
                mode: 'closed',
                concurrency: 4,
                duration: 3,
                count: null,
              },
              a: { maxWorkers: 2, prewarm: 2 },
              b: { maxWorkers: 4, prewarm: 4 },
            },
          ],
        },
      ],
    },
  ],
} satisfies Lesson;
