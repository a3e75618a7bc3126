import type { Lesson } from './types';

export default {
  id: 'prewarm',
  title: 'Prewarming (provisioned concurrency)',
  order: 3,
  summary: 'Workers spawned ahead of demand take a burst without spawning; provisioned ones take it warm.',
  functions: [{ name: 'sum-prewarm', sample: 'sum' }],
  steps: [
    {
      fn: 'sum-prewarm',
      text:
        'With prewarm 0 and an empty pool, 4 calls arriving together each wait for a new worker to spawn ' +
        '(the "spawn" time on each badge).',
      buttons: [
        {
          label: 'Prewarm 0: 4 calls at once',
          panel: 'settings',
          actions: [
            { do: 'platform', set: { maxWorkers: 4, prewarm: 0 } },
            { do: 'empty-pool' },
            { do: 'deploy', fn: 'sum-prewarm' },
            { do: 'burst', fn: 'sum-prewarm', count: 4 },
          ],
        },
      ],
    },
    {
      text:
        'With prewarm 4, four workers are already running: the same burst spawns none. The calls are still ' +
        'cold, since each worker receives the module, but they skip the spawn.',
      buttons: [
        {
          label: 'Prewarm 4: 4 calls at once',
          panel: 'settings',
          actions: [
            { do: 'platform', set: { maxWorkers: 4, prewarm: 4 } },
            { do: 'deploy', fn: 'sum-prewarm' },
            { do: 'burst', fn: 'sum-prewarm', count: 4 },
          ],
        },
      ],
    },
    {
      text:
        'Provisioned concurrency goes further: 4 workers keep this function loaded ahead of any call and past ' +
        'the keep-alive (the "Provisioned workers" setting), so the same burst starts warm: no spawn and no ' +
        'module to load.',
      buttons: [
        {
          label: 'Provisioned 4: 4 calls at once',
          panel: 'settings',
          actions: [
            { do: 'platform', set: { maxWorkers: 4, prewarm: 0 } },
            { do: 'config', fn: 'sum-prewarm', set: { provisioned: 4 } },
            { do: 'deploy', fn: 'sum-prewarm' },
            { do: 'burst', fn: 'sum-prewarm', count: 4 },
          ],
        },
      ],
    },
    {
      text:
        'Idle prewarmed and provisioned workers hold memory all the time: that is what provisioned concurrency ' +
        'is billed for.',
      buttons: [
        {
          label: 'Back to prewarm 1',
          panel: 'settings',
          actions: [
            { do: 'config', fn: 'sum-prewarm', set: { provisioned: 0 } },
            { do: 'deploy', fn: 'sum-prewarm' },
            { do: 'platform', set: { prewarm: 1 } },
          ],
        },
      ],
    },
  ],
} satisfies Lesson;
