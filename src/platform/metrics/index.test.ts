import { describe, expect, it } from 'vitest';
import * as metrics from './index';

describe('metrics index', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'percentile',
      'summarize',
      'summarizeSorted',
      'histogram',
      'StatsAccumulator',
      'computeStats',
      'DEFAULT_PRICE_MODEL',
      'billedMs',
      'invocationCost',
      'aggregateCost',
      'granularityComparison',
      'createRng',
      'arrivalTimes',
      'MAX_ARRIVALS',
      'invocationsToCsv',
      'invocationsToJson',
      'parseCsv',
    ]) {
      expect(metrics, name).toHaveProperty(name);
    }
  });
});
