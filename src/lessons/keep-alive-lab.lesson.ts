import type { Lesson } from './types';

export default {
  id: 'keep-alive-lab',
  title: 'Keep-alive policy lab',
  order: 2.5,
  summary: 'No keep-alive, a fixed keep-alive and a learned one: cold starts against idle memory.',
  functions: [{ name: 'sum-lab', sample: 'sum' }],
  steps: [
    {
      fn: 'sum-lab',
      text:
        'One seeded workload, a call about every second (±20%) for 10 s, two of them fanning out into 3 calls ' +
        'at once, runs three times from an empty pool: with no keep-alive (unload after every call), a fixed 10 s ' +
        'keep-alive, and the hybrid histogram policy of “Serverless in the Wild” (Shahrad et al., ATC ’20).',
      buttons: [
        {
          label: 'Run the lab: none, fixed 10 s, histogram',
          panel: 'compare',
          reveal: 'section[aria-label="Keep-alive lab"]',
          actions: [{ do: 'keep-alive-lab', workload: { fn: 'sum-lab', args: '5, 2' } }],
        },
      ],
    },
    {
      text:
        'Each point is one policy: x is idle worker-seconds (workers idle while holding the module: the memory ' +
        'keeping it warm costs), y the share of cold starts. No keep-alive holds nothing and every call is cold; ' +
        'a fixed keep-alive is warm but idles between calls.',
    },
    {
      text:
        'The histogram policy records each idle time (100 ms bins up to 24 s, the paper’s 1-minute bins up to ' +
        '4 h made 600× faster). Until it has 4 it keeps the module for the whole 24 s; then it unloads after a ' +
        'call and loads it again at the 5th percentile of the idle times (less 10%), until the 99th (plus 10%). ' +
        'A call earlier than the pre-warm is cold, and so are the bursts’ extra calls, which need workers of ' +
        'their own, under every policy but a long fixed one.',
    },
  ],
} satisfies Lesson;
