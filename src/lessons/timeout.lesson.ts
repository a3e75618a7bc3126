import type { Lesson } from './types';

export default {
  id: 'timeout',
  title: 'Timeouts',
  order: 4,
  summary: 'A call past its timeout is ended; what happens to its worker depends on how it is stopped.',
  functions: [
    { name: 'sleep-timeout', sample: 'sleep', config: { timeoutMs: 100, meter: true }, args: ['300'] },
  ],
  steps: [
    {
      fn: 'sleep-timeout',
      text:
        'sleep-timeout has a 100 ms timeout and is metered (its instructions are counted), so the platform can ' +
        'stop it from inside the module. Ask it to sleep 300 ms:',
      buttons: [
        {
          label: 'Run sleep(300 ms)',
          panel: 'run',
          actions: [
            { do: 'config', fn: 'sleep-timeout', set: { timeoutMs: 100, meter: true } },
            { do: 'run', fn: 'sleep-timeout', args: ['300'] },
          ],
        },
      ],
    },
    {
      text: 'The worker survived the timeout and still holds the module: the next call is warm.',
      buttons: [
        {
          label: 'Run sleep(20 ms)',
          panel: 'run',
          actions: [{ do: 'run', fn: 'sleep-timeout', args: ['20'] }],
        },
      ],
    },
    {
      text:
        'Code that is not metered cannot be interrupted: the platform terminates its worker. The call still ' +
        'ends as timeout, but the next one is cold.',
      buttons: [
        {
          label: 'Metering off: sleep(300), then sleep(20)',
          panel: 'run',
          actions: [
            { do: 'config', fn: 'sleep-timeout', set: { meter: false } },
            { do: 'run', fn: 'sleep-timeout', args: ['300'] },
            { do: 'run', fn: 'sleep-timeout', args: ['20'] },
          ],
        },
      ],
    },
  ],
} satisfies Lesson;
