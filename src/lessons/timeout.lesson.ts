import type { Lesson } from './types';

export default {
  id: 'timeout',
  title: 'Timeouts',
  order: 4,
  summary: 'A call past its timeout is ended; the platform replaces what it had to kill and keeps serving.',
  functions: [
    { name: 'sleep-timeout', sample: 'sleep', config: { timeoutMs: 100, meter: false }, args: ['300'] },
    { name: 'sum-timeout', sample: 'sum' },
  ],
  steps: [
    {
      fn: 'sleep-timeout',
      text:
        'sleep-timeout has a 100 ms timeout. Asked to sleep 300 ms, it is stopped at 100 ms: the platform ' +
        'terminates its worker and the call ends as timeout. Only that worker dies: sum, warmed just before ' +
        'on another worker (prewarm 2 keeps two ready), answers warm right after.',
      buttons: [
        {
          label: 'Run sum, sleep(300 ms), sum',
          panel: 'run',
          actions: [
            { do: 'platform', set: { prewarm: 2 } },
            { do: 'config', fn: 'sleep-timeout', set: { timeoutMs: 100, meter: false } },
            { do: 'run', fn: 'sum-timeout' },
            { do: 'run', fn: 'sleep-timeout', args: ['300'] },
            { do: 'run', fn: 'sum-timeout' },
          ],
        },
      ],
    },
    {
      text:
        'A metered function (its instructions counted) can be stopped from inside the module: its own worker ' +
        'survives and its next call is warm. The check runs every few milliseconds of work; on a machine so ' +
        'busy that it misses its 100 ms window, the worker is terminated after all (the badge says "by ' +
        'terminate").',
      buttons: [
        {
          label: 'Metering on: sleep(300), then sleep(20)',
          panel: 'run',
          actions: [
            { do: 'config', fn: 'sleep-timeout', set: { meter: true } },
            { do: 'run', fn: 'sleep-timeout', args: ['300'] },
            { do: 'run', fn: 'sleep-timeout', args: ['20'] },
          ],
        },
      ],
    },
    {
      text: 'Prewarm stays at 2 in Settings until you change it:',
      buttons: [
        { label: 'Back to prewarm 1', panel: 'settings', actions: [{ do: 'platform', set: { prewarm: 1 } }] },
      ],
    },
  ],
} satisfies Lesson;
