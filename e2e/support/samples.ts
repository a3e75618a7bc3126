import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../samples/', import.meta.url));

/** The WAT text of a sample in samples/. */
export function sample(name: string): string {
  return readFileSync(`${root}${name}.wat`, 'utf8');
}

/** The bytes of a file under samples/, as a plain array (it crosses into the page as JSON). */
export function sampleBytes(path: string): number[] {
  return [...readFileSync(`${root}${path}`)];
}
