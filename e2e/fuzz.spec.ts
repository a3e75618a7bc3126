// A short, fixed-seed run of the fuzzer (bench/fuzz.mjs runs long ones): random bytes, mutated
// modules and random WAT at deploy and invoke. Every call must settle with a clean outcome, the
// page must not throw or crash, and the pool must not leak workers.
import { expect, test, type Page } from '@playwright/test';
import wabtInit from 'wabt';
import {
  compileSeeds,
  generateCases,
  runChunk,
  seedWasiBinaries,
  seedWats,
  summarize,
} from '../bench/fuzz-core.mjs';
import { openApp } from './support/faas';

const SEED = Number(process.env.FUZZ_SEED ?? 1);
/** `npm run test:long` runs FUZZ_COUNT (default 2,000) cases; `npm test` the first 200 of them. */
const LONG_COUNT = Number(process.env.FUZZ_COUNT ?? 2000);
const CHUNK = 200;

const nanoprocesses = (page: Page) =>
  page.workers().filter((w) => /nanoprocess\.worker/.test(w.url())).length;

for (const { COUNT, details } of [
  { COUNT: CHUNK, details: {} },
  { COUNT: LONG_COUNT, details: { tag: '@long' } },
])
  test(
    `${COUNT} fuzzed modules and WAT texts end in clean outcomes (seed ${SEED})`,
    details,
    async ({ page }) => {
      test.setTimeout(60_000 + COUNT * 100);
      const pageErrors: string[] = [];
      let crashed = false;
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('crash', () => (crashed = true));
      await openApp(page);

      const wabt = await wabtInit();
      const wats = seedWats();
      const seedBinaries = [...compileSeeds(wabt, wats), ...seedWasiBinaries()];
      const maxWorkers = await page.evaluate(() => window.faas.config().maxWorkers);

      const results = [];
      const t0 = Date.now();
      for (let from = 0; from < COUNT; from += CHUNK) {
        const cases = generateCases({
          seed: SEED,
          count: Math.min(CHUNK, COUNT - from),
          from,
          seedBinaries,
          seedWats: wats,
        });
        results.push(
          ...(await page.evaluate(runChunk, {
            cases,
            deadlineMs: 15_000,
            slots: 4,
            timeoutMs: 100,
            memoryMiB: 16,
          })),
        );
        expect(crashed, 'the page crashed').toBe(false);
        expect(await page.evaluate(() => window.faas.pool().workers.length)).toBeLessThanOrEqual(maxWorkers);
      }
      const seconds = (Date.now() - t0) / 1000;
      const summary = summarize(results);
      test.info().annotations.push({
        type: 'fuzz',
        description: `${results.length} cases in ${seconds.toFixed(1)} s; deploy ${JSON.stringify(summary.deploy)}; invoke ${JSON.stringify(summary.invoke)}`,
      });

      expect(results).toHaveLength(COUNT);
      expect(summary.anomalies, 'unsettled calls or unexpected errors').toEqual([]);
      expect(pageErrors).toEqual([]);
      // Every kind reached the platform, and some of each ran.
      expect(summary.deploy.ok).toBeGreaterThan(COUNT / 20);
      expect(Object.keys(summary.invoke)).toEqual(expect.arrayContaining(['ok', 'trap', 'timeout']));

      // No leaked workers: terminated ones wind down, and the pool stays within maxWorkers.
      await expect.poll(() => nanoprocesses(page), { timeout: 15_000 }).toBeLessThanOrEqual(maxWorkers);
      const after = await page.evaluate(async () => {
        await window.faas.deploy(
          'fz-sum',
          '(module (func (export "_start") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))',
        );
        const inv = await window.faas.invoke('fz-sum', [40, 2]);
        return { result: inv.result, pool: window.faas.pool().workers.length };
      });
      expect(after.result).toBe(42);
      expect(after.pool).toBeLessThanOrEqual(maxWorkers);
    },
  );
