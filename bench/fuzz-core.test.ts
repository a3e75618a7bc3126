import { beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import {
  compileSeeds,
  generateCases,
  mutateBytes,
  mutateWat,
  randomWatModule,
  rng,
  sections,
  seedWasiBinaries,
  seedWats,
  summarize,
} from './fuzz-core.mjs';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;
let seedBinaries: Uint8Array[];
let wats: string[];

beforeAll(async () => {
  wabt = await wabtInit();
  wats = seedWats();
  seedBinaries = [...compileSeeds(wabt, wats), ...seedWasiBinaries()];
});

describe('fuzz-core', () => {
  it('generates the same cases for the same seed, however they are chunked', () => {
    const all = generateCases({ seed: 5, count: 60, seedBinaries, seedWats: wats });
    const chunked = [
      ...generateCases({ seed: 5, count: 25, seedBinaries, seedWats: wats }),
      ...generateCases({ seed: 5, count: 35, from: 25, seedBinaries, seedWats: wats }),
    ];
    expect(chunked).toEqual(all);
    expect(generateCases({ seed: 6, count: 60, seedBinaries, seedWats: wats })).not.toEqual(all);
    expect(new Set(all.map((c) => c.kind))).toEqual(
      new Set(['bytes', 'mutated', 'wat-soup', 'wat-random', 'wat-mutated']),
    );
  });

  it('mutates bytes without throwing, and splits modules into sections', () => {
    const r = rng(1);
    for (let i = 0; i < 2000; i++) {
      const { bytes, applied } = mutateBytes(r.pick(seedBinaries), r, seedBinaries);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(applied.length).toBeGreaterThan(0);
    }
    const s = sections(seedBinaries[0]);
    expect(s.length).toBeGreaterThan(0);
    expect(s[s.length - 1].end).toBeLessThanOrEqual(seedBinaries[0].length);
  });

  it('random WAT modules are valid, and their mutations are WAT-shaped text', () => {
    const r = rng(2);
    for (let i = 0; i < 200; i++) {
      const text = randomWatModule(r);
      const m = wabt.parseWat('r.wat', text, {});
      try {
        m.resolveNames();
        m.validate();
      } finally {
        m.destroy();
      }
      expect(typeof mutateWat(text, r)).toBe('string');
    }
  });

  it('summarizes outcomes and anomalies', () => {
    const h = summarize([
      { i: 0, kind: 'bytes', deploy: 'rejected:DeployError', invokes: [] },
      {
        i: 1,
        kind: 'wat-random',
        deploy: 'ok',
        invokes: ['ok', 'trap'],
        anomalies: ['invoke x did not settle'],
      },
    ]);
    expect(h.deploy).toEqual({ 'rejected:DeployError': 1, ok: 1 });
    expect(h.invoke).toEqual({ ok: 1, trap: 1 });
    expect(h.anomalies).toEqual([{ case: 1, kind: 'wat-random', anomaly: 'invoke x did not settle' }]);
  });
});
