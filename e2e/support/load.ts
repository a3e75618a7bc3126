// Page-object helpers for the Load test, Compare and Metrics panels.
import { expect, type Locator, type Page } from '@playwright/test';
import { showPanel } from './panels';

export interface LoadForm {
  fn?: string;
  args?: string;
  mode?: 'Open loop' | 'Closed loop';
  arrival?: 'constant' | 'poisson';
  rate?: number;
  concurrency?: number;
  duration?: number | null;
  count?: number | null;
  seed?: number;
}

/** Fills the workload form inside `scope` (the Load test or Compare panel). */
export async function fillWorkload(scope: Locator, f: LoadForm): Promise<void> {
  if (f.fn) await scope.getByLabel('Function', { exact: true }).selectOption(f.fn);
  if (f.args !== undefined) await scope.getByLabel('Arguments').fill(f.args);
  if (f.mode) await scope.getByLabel(f.mode).check();
  if (f.arrival) await scope.getByLabel('Arrivals').selectOption(f.arrival);
  if (f.rate !== undefined) await scope.getByLabel('Rate').fill(String(f.rate));
  if (f.concurrency !== undefined) await scope.getByLabel('Concurrency').fill(String(f.concurrency));
  if (f.duration !== undefined)
    await scope.getByLabel('Duration').fill(f.duration === null ? '' : String(f.duration));
  if (f.count !== undefined) await scope.getByLabel('Count').fill(f.count === null ? '' : String(f.count));
  if (f.seed !== undefined) await scope.getByLabel('Seed').fill(String(f.seed));
}

/** Runs a load test through the panel and waits for its summary. */
export async function runLoadTest(page: Page, f: LoadForm, timeout = 60_000): Promise<Locator> {
  const p = await showPanel(page, 'Load test');
  await fillWorkload(p, f);
  const start = p.getByRole('button', { name: 'Start', exact: true });
  await expect(start).toBeEnabled();
  await start.click();
  const summary = p.getByTestId('load-summary');
  await expect(summary).toBeVisible({ timeout });
  return summary;
}

/** The raw number behind a summary figure (data-metric / data-value). */
export async function metric(scope: Locator, name: string): Promise<number> {
  const v = await scope.locator(`[data-metric="${name}"]`).first().getAttribute('data-value');
  return Number(v);
}

/** How many pixels of a chart's canvas are not transparent. */
export async function paintedPixels(chart: Locator): Promise<number> {
  return chart
    .locator('canvas')
    .first()
    .evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
}

/** Counts pixels of a given colour (±tolerance) in a chart's plotting area. */
export async function pixelsOfColor(chart: Locator, cssVar: string): Promise<number> {
  return chart
    .locator('canvas')
    .first()
    .evaluate((c: HTMLCanvasElement, name: string) => {
      const probe = document.createElement('div');
      probe.style.color = `var(${name})`;
      document.body.append(probe);
      const [r, g, b] = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 80) continue;
        // Points are drawn at 72 % opacity over a transparent canvas: compare the unpremultiplied colour.
        if (Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40 && Math.abs(data[i + 2] - b) < 40)
          n++;
      }
      return n;
    }, cssVar);
}

/** Makes the panel area tall, for screenshots of the charts. */
export async function tallPanels(page: Page): Promise<void> {
  const splitter = page.getByRole('separator', { name: 'Resize panels' });
  await splitter.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowUp');
}
