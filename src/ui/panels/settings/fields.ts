// Range checks for the Settings panel's number fields, with messages that say what is allowed.
import { MAX_FUEL_LIMIT, MAX_MEMORY_MIB, MAX_PROVISIONED, MAX_TIMEOUT_MS } from '../../../platform/rules';
import type { PlatformConfig } from '../../../platform/types';

export type Checked = { ok: true; value: number } | { ok: false; error: string };

export interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
  /** Unit for messages: "ms", "MiB", "workers". */
  unit: string;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

export function checkNumber(text: string, rule: NumberRule): Checked {
  const t = text.trim();
  const range = `from ${fmt(rule.min)} to ${fmt(rule.max)}${rule.unit ? ' ' + rule.unit : ''}`;
  if (t === '') return { ok: false, error: `Enter a ${rule.integer ? 'whole number' : 'number'} ${range}.` };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `“${t}” is not a number. Enter one ${range}.` };
  if (rule.integer && !Number.isInteger(v)) return { ok: false, error: `Use a whole number ${range}.` };
  if (v < rule.min || v > rule.max) return { ok: false, error: `Must be ${range}.` };
  return { ok: true, value: v };
}

export const FUNCTION_RULES = {
  timeoutMs: { min: 1, max: MAX_TIMEOUT_MS, integer: true, unit: 'ms' },
  memoryMiB: { min: 0.0625, max: MAX_MEMORY_MIB, integer: false, unit: 'MiB' },
  /** 0 means no limit. */
  fuelLimit: { min: 0, max: MAX_FUEL_LIMIT, integer: true, unit: 'instructions' },
  provisioned: { min: 0, max: MAX_PROVISIONED, integer: true, unit: 'workers' },
} satisfies Record<string, NumberRule>;

export type PlatformField = 'maxWorkers' | 'prewarm' | 'keepAliveMs' | 'maxQueue';

/** Rules for the platform fields; prewarm's maximum follows the max workers being set. */
export function platformRule(field: PlatformField, cfg: Pick<PlatformConfig, 'maxWorkers'>): NumberRule {
  switch (field) {
    case 'maxWorkers':
      return { min: 1, max: 64, integer: true, unit: 'workers' };
    case 'prewarm':
      return { min: 0, max: Math.min(64, cfg.maxWorkers), integer: true, unit: 'workers' };
    case 'keepAliveMs':
      return { min: 0, max: 3_600_000, integer: true, unit: 'ms' };
    case 'maxQueue':
      return { min: 0, max: 10_000_000, integer: true, unit: 'calls' };
  }
}
