import type { Lesson } from './types';

export default {
  id: 'throttling',
  title: 'Queueing and throttling',
  order: 6,
  summary: 'Past capacity, calls wait in a bounded queue; past the queue they are refused.',
  functions: [{ name: 'sleep-queue', sample: 'sleep', args: ['100'] }],
  steps: [
    {
      fn: 'sleep-queue',
      text:
        'One worker running sleep(100 ms) serves at most 10 calls a second. Offer 40 a second for 3 s: the ' +
        'queue fills to its limit (10 here) and every call beyond it is throttled at once. This holds on any ' +
        'machine: the limit is the one worker, not the cores.',
      buttons: [
        {
          label: 'Start the load',
          panel: 'load',
          actions: [
            { do: 'platform', set: { maxWorkers: 1, prewarm: 1, maxQueue: 10 } },
            {
              do: 'load',
              workload: {
                fn: 'sleep-queue',
                args: '100',
                mode: 'open',
                arrival: 'constant',
                rate: 40,
                burstsOn: false,
                duration: 3,
                count: null,
              },
            },
          ],
        },
      ],
    },
    {
      text:
        'The Throughput chart draws completed calls (about 10/s) apart from throttled ones (the rest); the ' +
        'queue sits at its limit; the summary below counts both. Put the settings back when done:',
      buttons: [
        {
          label: 'Restore max workers 4, queue 10000',
          panel: 'settings',
          actions: [{ do: 'platform', set: { maxWorkers: 4, maxQueue: 10_000 } }],
        },
      ],
    },
  ],
} satisfies Lesson;
