import { chromium } from '@playwright/test';
import { launchOptions } from '../scripts/browser.mjs';
const b = await chromium.launch(launchOptions());
const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto('http://localhost:4273/?sample=sum');
await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
const N = Number(process.argv[2] ?? 20000);
await page.evaluate(async (n) => {
  await window.faas.config({ maxQueue: 1000000, historyLimit: 200000 });
  const wat = '(module (func (export "_start") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))';
  await window.faas.deploy('s2', wat);
  for (let k = 0; k < n; k += 20000) { const calls = []; for (let i = 0; i < Math.min(20000, n - k); i++) calls.push(window.faas.invoke('s2', [i, 1])); await Promise.all(calls); }
}, N);
console.log('invoked', N);
await page.getByRole('tab', { name: 'Metrics' }).click();
const m = page.getByRole('tabpanel', { name: 'Metrics' });
await page.waitForFunction((n) => Number(document.querySelector('[data-testid=metrics-count]')?.dataset.value) === n, N, { timeout: 60000 });
await page.waitForTimeout(1500);
const plot = m.getByTestId('chart-latency').locator('[data-drawn]');
console.log('first draw', await plot.getAttribute('data-draw-ms'), 'drawn', await plot.getAttribute('data-drawn'));
const box = await m.getByTestId('chart-latency').locator('.u-over').boundingBox();
await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
const times = [];
for (let i = 0; i < 6; i++) { await page.mouse.wheel(0, i < 3 ? -200 : 200); await page.waitForTimeout(200); times.push(await plot.getAttribute('data-draw-ms')); }
console.log('zoom draws', times.join(' '));
// hover cost: time 50 mouse moves
const t = await page.evaluate(async () => { const o = document.querySelector('[data-testid=chart-latency] .u-over'); const r = o.getBoundingClientRect(); const t0 = performance.now(); for (let i = 0; i < 50; i++) o.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width * i / 50, clientY: r.top + r.height * 0.9, bubbles: true })); return (performance.now() - t0) / 50; });
console.log('hover per move ms', t.toFixed(2));
// full panel refresh cost with log toggle
const t2 = await page.evaluate(async () => { const t0 = performance.now(); document.querySelector('[data-testid=chart-latency] input[type=checkbox]').click(); await new Promise((r) => requestAnimationFrame(() => r())); return performance.now() - t0; });
console.log('log toggle rebuild ms', t2.toFixed(1), 'draw', await plot.getAttribute('data-draw-ms'));
await page.screenshot({ path: '.tmp-lt/draw.png' });
await b.close();
