// The load-test form as the user types it, and its conversion to a LoadSpec. Pure functions,
// no Svelte: the Load test and Compare panels share them and Vitest covers them.
import { ArgumentError, convertArgs } from '../../../platform/args';
import { validateLoadSpec, type ArrivalKind, type LoadMode, type LoadSpec } from '../../../platform/load';
import type { ArgValue, FunctionInfo } from '../../../platform/types';

export interface WorkloadDraft {
  fn: string;
  /** '' = the function's entry. */
  export: string;
  /** One argument list per line, values separated by commas; several lines are cycled through. */
  args: string;
  mode: LoadMode;
  arrival: ArrivalKind;
  rate: number;
  burstsOn: boolean;
  burstSize: number;
  burstEvery: number;
  concurrency: number;
  /** Seconds; null = no duration limit. */
  duration: number | null;
  /** Calls; null = no count limit. */
  count: number | null;
  seed: number;
}

export const DEFAULT_DRAFT: Readonly<WorkloadDraft> = Object.freeze({
  fn: '',
  export: '',
  args: '',
  mode: 'open',
  arrival: 'constant',
  rate: 100,
  burstsOn: false,
  burstSize: 50,
  burstEvery: 1,
  concurrency: 4,
  duration: 5,
  count: null,
  seed: 1,
});

/** "5, 2\n7, 1" → [["5", "2"], ["7", "1"]]; blank lines are skipped; no lines → one empty list. */
export function parseArgLines(text: string): ArgValue[][] {
  const lists = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) =>
      l
        .split(/\s*,\s*|\s+/)
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
  return lists.length ? lists : [[]];
}

export function formatArgLine(args: readonly string[] | undefined): string {
  return (args ?? []).join(', ');
}

export type DraftResult = { ok: true; spec: LoadSpec } | { ok: false; error: string };

/** Checks the draft (and its arguments against the deployed signature, when known). */
export function draftToSpec(d: WorkloadDraft, info: FunctionInfo | undefined): DraftResult {
  const args = parseArgLines(d.args);
  const spec: LoadSpec = {
    fn: d.fn,
    args,
    mode: d.mode,
    arrival: d.arrival,
    ratePerSec: Number(d.rate),
    concurrency: Number(d.concurrency),
    seed: Number(d.seed),
  };
  if (d.export) spec.export = d.export;
  if (d.mode === 'open' && d.burstsOn)
    spec.bursts = { size: Number(d.burstSize), everySec: Number(d.burstEvery) };
  // An emptied number input binds as null or undefined: no limit.
  if (d.duration != null && String(d.duration) !== '') spec.durationSec = Number(d.duration);
  if (d.count != null && String(d.count) !== '') spec.count = Number(d.count);
  const problem = validateLoadSpec(spec);
  if (problem) return { ok: false, error: problem };
  if (spec.mode === 'open' && spec.durationSec !== undefined) {
    const expected = spec.ratePerSec * spec.durationSec;
    const limit = Math.min(spec.count ?? Infinity, expected);
    if (limit > 1_000_000)
      return { ok: false, error: 'That is over a million calls; shorten the run or lower the rate' };
  }
  if (info) {
    const name = spec.export ?? info.entry;
    const exp = info.module.exports.find((e) => e.kind === 'function' && e.name === name);
    if (!name || !exp?.signature)
      return { ok: false, error: `"${info.name}" has no exported function "${name || '(none)'}"` };
    for (let i = 0; i < args.length; i++) {
      try {
        convertArgs(name, exp.signature, args[i]);
      } catch (err) {
        const msg = err instanceof ArgumentError ? err.message : String(err);
        return {
          ok: false,
          error: args.length > 1 ? `Arguments, line ${i + 1}: ${msg}` : `Arguments: ${msg}`,
        };
      }
    }
  }
  return { ok: true, spec };
}

/** A one-line description of a spec: "open loop, constant 200/s for 5 s, seed 1". */
export function describeSpec(s: LoadSpec): string {
  const stop = [
    s.durationSec !== undefined ? `for ${s.durationSec} s` : '',
    s.count !== undefined ? `up to ${s.count} calls` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const how =
    s.mode === 'open'
      ? `open loop, ${s.arrival} ${s.ratePerSec}/s${s.bursts ? ` + bursts of ${s.bursts.size} every ${s.bursts.everySec} s` : ''}`
      : `closed loop, ${s.concurrency} client${s.concurrency === 1 ? '' : 's'}`;
  const args = s.args.length > 1 ? `(${s.args.length} argument lists, cycled)` : `(${s.args[0].join(', ')})`;
  return `${s.fn}${s.export ? `.${s.export}` : ''}${args} — ${how} ${stop}, seed ${s.seed}`;
}
