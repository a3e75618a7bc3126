import type { Lesson, LessonButton } from './types';

/** Sets the keep-alive, redeploys (so the first call is cold), runs, waits 2 s and runs again. */
function runPauseRun(keepAliveMs: number): LessonButton {
  return {
    label: `Keep-alive ${keepAliveMs / 1000} s: run, wait 2 s, run`,
    panel: 'settings',
    actions: [
      { do: 'platform', set: { keepAliveMs } },
      { do: 'deploy', fn: 'sum-keepalive' },
      { do: 'run', fn: 'sum-keepalive' },
      { do: 'wait', ms: 2000 },
      { do: 'run', fn: 'sum-keepalive' },
    ],
  };
}

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
      buttons: [runPauseRun(1000)],
    },
    {
      text: 'With 60 s (the default), the second call finds the module still in its worker: warm.',
      buttons: [runPauseRun(60_000)],
    },
    {
      text:
        'Keeping functions warm costs memory held by idle workers; providers pick the window from how often ' +
        'functions are called. The keep-alive setting stays in Settings until you change it.',
    },
  ],
} satisfies Lesson;
