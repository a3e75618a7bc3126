// Presentation mode scales text through one custom property: a text size set in plain px would
// stay small on the projector, so none may be.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(svelte|css)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('text sizes', () => {
  it('are multiples of --text-scale, never plain px', () => {
    const plain = files('src/ui').flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/font-size:\s*[\d.]+px/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(plain).toEqual([]);
  });
});
