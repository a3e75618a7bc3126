import type { Lesson } from './types';

export default {
  id: 'metering',
  title: 'Counting instructions',
  order: 12,
  summary: 'Metered, a function is billed and limited by the instructions it runs: exact, on any machine.',
  functions: [{ name: 'fib-meter', sample: 'fib', config: { meter: true }, args: ['20'] }],
  steps: [
    {
      fn: 'fib-meter',
      text:
        "Metering rewrites fib's module at deploy: every basic block adds its instruction count to a " +
        'counter before it runs. Times vary from call to call and machine to machine; the count does not.',
      buttons: [
        {
          label: 'Run fib(20) three times',
          panel: 'run',
          actions: [
            { do: 'config', fn: 'fib-meter', set: { meter: true, fuelLimit: undefined } },
            { do: 'run', fn: 'fib-meter', times: 3, args: ['20'] },
          ],
        },
      ],
    },
    {
      text:
        'A fuel limit ends a call when its instructions run out: out-of-fuel, the same on a fast laptop and a ' +
        'slow projector PC. The module stops itself, so its worker lives on and the next call is warm.',
      buttons: [
        {
          label: 'Limit 100,000 instructions: fib(25), then fib(10)',
          panel: 'run',
          actions: [
            { do: 'config', fn: 'fib-meter', set: { meter: true, fuelLimit: 100_000 } },
            { do: 'run', fn: 'fib-meter', args: ['25'] },
            { do: 'run', fn: 'fib-meter', args: ['10'] },
          ],
        },
      ],
    },
    {
      text:
        'Billing per instruction instead of per rounded millisecond (seed 002): the bill below prices the ' +
        'same calls per million instructions, exactly as run.',
      buttons: [
        {
          label: 'Show the bill',
          panel: 'metrics',
          reveal: '[data-testid="instruction-bill"]',
          actions: [{ do: 'config', fn: 'fib-meter', set: { fuelLimit: undefined } }],
        },
      ],
    },
  ],
} satisfies Lesson;
