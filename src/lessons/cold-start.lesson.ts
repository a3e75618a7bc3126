import type { Lesson } from './types';

export default {
  id: 'cold-start',
  title: 'Cold and warm starts',
  order: 1,
  summary: 'The first call pays for loading the function; the next ones find it ready.',
  functions: [{ name: 'sum-cold', sample: 'sum' }],
  steps: [
    {
      fn: 'sum-cold',
      text:
        'A call is cold when the platform must first give a worker the function: spawn the worker, or post it the ' +
        'compiled module. The worker keeps the module, so the calls after it are warm.',
      buttons: [
        {
          label: 'Run 5 times',
          panel: 'metrics',
          // A fresh version: its first call is cold even if sum-cold ran before.
          actions: [
            { do: 'deploy', fn: 'sum-cold' },
            { do: 'run', fn: 'sum-cold', times: 5 },
          ],
        },
      ],
    },
    {
      text:
        'Below each button: one badge per call, cold first, then warm. The Metrics chart draws cold calls as ' +
        'triangles; their extra time is in the Timing column of the Console.',
    },
  ],
} satisfies Lesson;
