// Page helpers shared by bench scenarios: deploying samples and resetting the platform between
// scenarios, so every scenario starts from the same state whatever ran before it.
import { readFileSync } from 'node:fs';

const samplesDir = new URL('../../samples/', import.meta.url);

/** The WAT text of samples/<name>.wat. */
export function sample(name) {
  return readFileSync(new URL(`${name}.wat`, samplesDir), 'utf8');
}

/** The app's default platform config (src/platform/types.ts DEFAULT_PLATFORM_CONFIG), restored between scenarios. */
export const DEFAULT_CONFIG = Object.freeze({
  maxWorkers: 4,
  prewarm: 1,
  keepAliveMs: 60_000,
  maxQueue: 10_000,
});

/** Deploys WAT text under `name` (always a new version). */
export async function deploy(page, name, wat, config = {}) {
  return page.evaluate(([n, w, c]) => window.faas.deploy(n, w, c), [name, wat, config]);
}

/** Deploys a sample unless a function of that name is already deployed. */
export async function ensureSample(page, name, sampleName = name, config = {}) {
  const have = await page.evaluate((n) => window.faas.functions().some((f) => f.name === n), name);
  if (!have) await deploy(page, name, sample(sampleName), config);
}

/** Applies a platform config patch and returns the resulting config. */
export async function configure(page, patch) {
  return page.evaluate((p) => window.faas.config(p), patch);
}

/** Waits until `pred(arg)` holds in the page (it reads window.faas.pool() itself), polling every 10 ms. */
export async function waitForPool(page, pred, arg, timeout = 15_000) {
  await page.waitForFunction(pred, arg, { timeout, polling: 10 });
}

/** Waits until every worker is spawned and idle, and at least `min` exist. */
export async function settlePool(page, min = 0, timeout = 15_000) {
  await page.waitForFunction(
    (m) => {
      const p = window.faas.pool();
      return (
        p.workers.length >= m &&
        p.inFlight === 0 &&
        p.queueLength === 0 &&
        p.workers.every((w) => w.state === 'idle')
      );
    },
    min,
    { timeout, polling: 10 },
  );
}

/** Puts the platform back to its defaults, forgets history and lets the pool settle. */
export async function resetPlatform(page) {
  await page.evaluate((c) => {
    window.faas.config(c);
    window.faas.clearHistory();
  }, DEFAULT_CONFIG);
  await settlePool(page, DEFAULT_CONFIG.prewarm);
}

/** Summary of a list of invocation timings, computed in Node: the mean of every field. */
export const TIMING_KEYS = ['queue', 'spawn', 'compile', 'instantiate', 'exec', 'total'];

/** "queue 0.01 · spawn 0 · …" from an object of means. */
export function timingLine(means) {
  return TIMING_KEYS.map((k) => `${k} ${Number(means[k] ?? 0).toFixed(3)}`).join(' · ') + ' ms';
}
