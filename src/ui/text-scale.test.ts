/// <reference types="node" />
// Presentation mode scales text through one custom property: a text size set in plain px would
// stay small on the projector, so none may be. (Read from disk: Vitest hands CSS in as empty.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function styleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? styleFiles(join(dir, e.name))
      : /\.(svelte|css)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

describe('text sizes', () => {
  it('are multiples of --text-scale, never plain px', () => {
    const files = styleFiles('src/ui');
    expect(files).toContain(join('src/ui', 'theme.css'));
    const plain = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /font-size:\s*[\d.]+px/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(plain).toEqual([]);
  });
});
