import type { Lesson } from './types';

const TABLE = '[data-testid="granularity-table"]';

export default {
  id: 'billing',
  title: 'Billing granularity',
  order: 8,
  summary: 'Billed time is execution time rounded up: for short functions, the rounding is the bill.',
  functions: [{ name: 'sum-billing', sample: 'sum' }],
  steps: [
    {
      fn: 'sum-billing',
      text:
        'Pay-as-you-go bills each call for its execution time rounded up to a granularity (AWS Lambda: 1 ms ' +
        'since 2020, 100 ms before), times its memory (GB-seconds), plus a price per request. sum runs for ' +
        'microseconds, so the rounding decides what it costs.',
      buttons: [
        {
          label: 'Run 20 times',
          panel: 'metrics',
          reveal: TABLE,
          actions: [{ do: 'run', fn: 'sum-billing', times: 20 }],
        },
      ],
    },
    {
      text: 'The table bills the same calls per 1, 10 and 100 ms. Make 100 ms the price model:',
      buttons: [
        {
          label: 'Bill per 100 ms',
          panel: 'metrics',
          reveal: TABLE,
          actions: [{ do: 'price', granularityMs: 100 }],
        },
        {
          label: 'Back to 1 ms',
          panel: 'metrics',
          reveal: TABLE,
          actions: [{ do: 'price', granularityMs: 1 }],
        },
      ],
    },
  ],
} satisfies Lesson;
