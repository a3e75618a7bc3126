// Deterministic load-generator schedules: when each request of a run is sent.

/**
 * A seeded PRNG: mulberry32 (Tommy Ettinger's 32-bit generator, in the public
 * domain form popularized by bryc's "PRNGs in JavaScript"). One 32-bit state
 * word, period 2^32, good enough statistics for load generation, and the same
 * sequence on every JS engine. Returns floats uniform in [0, 1).
 *
 * The seed is reduced to an unsigned 32-bit integer (`seed >>> 0`), so seeds
 * that differ only above bit 31 or in their fraction give the same stream.
 */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ArrivalPlan = {
  kind: 'constant' | 'poisson' | 'periodic';
  ratePerSec: number;
  /** periodic: each arrival moves by up to ± this fraction of the period (0–0.5; 0 when not given). */
  jitter?: number;
} & {
  /** Extra simultaneous arrivals: `size` of them at t = everySec, 2·everySec, … */
  bursts?: { size: number; everySec: number };
  /** Arrivals are generated for t < durationSec. */
  durationSec?: number;
  /** At most this many arrivals in total (bursts included). */
  count?: number;
};

/** Hard cap on a schedule's length (80 MB of offsets); larger plans throw. */
export const MAX_ARRIVALS = 10_000_000;

function tooMany(what: string): Error {
  return new Error(
    `arrivalTimes: ${what} exceeds the limit of ${MAX_ARRIVALS.toLocaleString('en-US')} arrivals`,
  );
}

/**
 * Arrival offsets in ms from the start of the run, ascending. The run ends at
 * `durationSec` or after `count` arrivals, whichever comes first; at least one
 * of them must be given.
 *
 * - constant: one arrival every 1000/rate ms, the first at t = 0 (computed as
 *   i × interval, not by accumulation, so spacing is exact and does not drift).
 * - poisson: exponential inter-arrival times with mean 1000/rate ms drawn from
 *   createRng(seed), the first one after t = 0. Same seed, same schedule.
 * - periodic: slot i (i × interval) gets one arrival moved uniformly by up to
 *   ± jitter intervals (jitter 0–0.5, so arrivals stay in order), from the seed.
 *   A burst comes with the call of the slot it falls in, at the same instant (a
 *   fan-out), so bursts add no idle gaps of their own.
 * - otherwise bursts are merged in; a rate of 0 with bursts gives bursts only.
 */
export function arrivalTimes(plan: ArrivalPlan, seed: number): Float64Array {
  const rate = plan.ratePerSec;
  if (!(rate >= 0 && Number.isFinite(rate))) {
    throw new RangeError(`arrivalTimes: ratePerSec must be finite and ≥ 0, got ${rate}`);
  }
  const { durationSec, count, bursts } = plan;
  if (durationSec === undefined && count === undefined) {
    throw new Error('arrivalTimes: give durationSec, count or both');
  }
  if (durationSec !== undefined && !(durationSec >= 0 && Number.isFinite(durationSec))) {
    throw new RangeError(`arrivalTimes: durationSec must be finite and ≥ 0, got ${durationSec}`);
  }
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) {
    throw new RangeError(`arrivalTimes: count must be a non-negative integer, got ${count}`);
  }
  if (bursts) {
    if (!(Number.isInteger(bursts.size) && bursts.size >= 0)) {
      throw new RangeError(`arrivalTimes: bursts.size must be a non-negative integer, got ${bursts.size}`);
    }
    if (!(bursts.everySec > 0 && Number.isFinite(bursts.everySec))) {
      throw new RangeError(`arrivalTimes: bursts.everySec must be finite and > 0, got ${bursts.everySec}`);
    }
  }
  const burstSize = bursts?.size ?? 0;
  const burstEveryMs = (bursts?.everySec ?? 1) * 1000;

  // Check the size up front, before allocating anything.
  if (count !== undefined && count > MAX_ARRIVALS) throw tooMany(`count ${count}`);
  if (durationSec !== undefined) {
    const expected =
      rate * durationSec + (burstSize > 0 ? burstSize * Math.floor(durationSec / (burstEveryMs / 1000)) : 0);
    if (Math.min(expected, count ?? Infinity) > MAX_ARRIVALS) {
      throw tooMany(`the expected ${Math.round(expected)}`);
    }
  } else if (rate === 0 && burstSize === 0) {
    throw new Error('arrivalTimes: a count-only plan needs ratePerSec > 0 or bursts, or it never ends');
  }

  const endMs = durationSec === undefined ? Infinity : durationSec * 1000;
  const limit = count ?? Infinity;
  const rng = createRng(seed);
  const meanGapMs = 1000 / rate; // Infinity when rate is 0: the base stream never fires

  // Base stream: its next arrival time, and how to step past it.
  const drawGap = () => -Math.log(1 - rng()) * meanGapMs; // 1 − u ∈ (0, 1], so the log is finite
  if (plan.kind === 'periodic' && rate > 0)
    return periodicTimes(meanGapMs, plan.jitter ?? 0, burstSize, burstEveryMs, endMs, count ?? Infinity, rng);
  let i = 0;
  let baseT = rate === 0 ? Infinity : plan.kind === 'constant' ? 0 : drawGap();
  const advanceBase =
    plan.kind === 'constant'
      ? () => {
          baseT = ++i * meanGapMs;
        }
      : () => {
          baseT += drawGap();
        };

  // Burst stream: `burstSize` arrivals at each multiple of everySec.
  let burstIndex = 1;
  let burstLeft = burstSize;
  let burstT = burstSize === 0 ? Infinity : burstEveryMs;

  let out = new Float64Array(Number.isFinite(limit) ? Math.max(1, Math.min(limit, 1024)) : 1024);
  let n = 0;
  while (n < limit) {
    const t = Math.min(baseT, burstT);
    if (!(t < endMs)) break;
    if (n === MAX_ARRIVALS) throw tooMany('the schedule');
    if (n === out.length) {
      const bigger = new Float64Array(Math.min(out.length * 2, MAX_ARRIVALS));
      bigger.set(out);
      out = bigger;
    }
    out[n++] = t;
    if (baseT <= burstT) advanceBase();
    else if (--burstLeft === 0) {
      burstLeft = burstSize;
      burstT = ++burstIndex * burstEveryMs;
    }
  }
  return out.slice(0, n);
}

function periodicTimes(
  gapMs: number,
  jitterFraction: number,
  burstSize: number,
  burstEveryMs: number,
  endMs: number,
  limit: number,
  rng: () => number,
): Float64Array {
  const jitter = Math.min(0.5, Math.max(0, jitterFraction));
  const out: number[] = [];
  let nextBurst = burstEveryMs;
  for (let i = 0; i * gapMs < endMs && out.length < limit; i++) {
    if (out.length >= MAX_ARRIVALS) throw tooMany('the schedule');
    const t = Math.max(0, (i + (rng() * 2 - 1) * jitter) * gapMs);
    out.push(t);
    // Bursts due within this slot ride on its call.
    const slotEnd = Math.min((i + 1) * gapMs, endMs);
    while (burstSize > 0 && nextBurst < slotEnd) {
      for (let k = 0; k < burstSize && out.length < limit; k++) out.push(t);
      nextBurst += burstEveryMs;
    }
  }
  return Float64Array.from(out);
}
