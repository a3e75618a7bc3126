import type { Lesson } from './types';

export default {
  id: 'keep-alive',
  title: 'Keep-alive',
  order: 2,
  summary: 'How long an idle function stays warm decides whether the next call is cold.',
  functions: [{ name: 'sum-keepalive', sample: 'sum' }],
  steps: [
    {
      fn: 'sum-keepalive',
      text:
        'After keep-alive without a call, a worker drops the module (and idle workers beyond prewarm end). ' +
        'With a 1 s keep-alive, a call 2 s after the last one is cold again. Each button redeploys first, so ' +
        'its first call is cold.',
      buttons: [
        {
          label: 'Keep-alive 1 s: run, wait 2 s, run',
          panel: 'settings',
          actions: [
            { do: 'platform', set: { keepAliveMs: 1000 } },
            { do: 'deploy', fn: 'sum-keepalive' },
            { do: 'run', fn: 'sum-keepalive' },
            { do: 'wait', ms: 2000 },
            { do: 'run', fn: 'sum-keepalive' },
          ],
        },
      ],
    },
    {
      text: 'With 60 s (the default), the second call finds the module still in its worker: warm.',
      buttons: [
        {
          label: 'Keep-alive 60 s: run, wait 2 s, run',
          panel: 'settings',
          actions: [
            { do: 'platform', set: { keepAliveMs: 60_000 } },
            { do: 'deploy', fn: 'sum-keepalive' },
            { do: 'run', fn: 'sum-keepalive' },
            { do: 'wait', ms: 2000 },
            { do: 'run', fn: 'sum-keepalive' },
          ],
        },
      ],
    },
    {
      text:
        'Keeping functions warm costs memory held by idle workers; providers pick the window from how often ' +
        'functions are called. The keep-alive setting stays in Settings until you change it.',
    },
  ],
} satisfies Lesson;
