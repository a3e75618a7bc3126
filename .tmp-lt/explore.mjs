import { chromium } from '@playwright/test';
import { launchOptions } from '../scripts/browser.mjs';
import { readFileSync } from 'node:fs';
const b = await chromium.launch(launchOptions());
const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => console.log('PAGEERROR', e));
await page.goto('http://localhost:4273/?sample=sum');
await page.waitForFunction(() => typeof window.faas?.invoke === 'function');
await page.waitForTimeout(2000);
const rate = Number(process.argv[2] ?? 200), dur = Number(process.argv[3] ?? 5);
await page.getByRole('tab', { name: 'Load test' }).click();
if (process.env.NOCHART) await page.addStyleTag({ content: '' });
const p = page.getByRole('tabpanel', { name: 'Load test' });
await p.getByLabel('Rate').fill(String(rate));
await p.getByLabel('Duration').fill(String(dur));
await page.evaluate(() => { window.__lt = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: false }); window.__t0 = performance.now(); });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await p.getByRole('button', { name: 'Start', exact: true }).click();
if (process.env.HIDE) { await page.waitForTimeout(300); await page.getByRole('tab', { name: process.env.HIDE }).click(); }
const s = p.getByTestId('load-summary');
const t0 = Date.now();
await page.waitForFunction(() => !!document.querySelector('[data-testid="load-summary"]'), null, { timeout: 120000, polling: 1000 });
const vals = await s.locator('[data-metric]').evaluateAll((els) => els.map((e) => [e.dataset.metric, e.dataset.value, e.textContent.trim().replace(/\s+/g, ' ')]));
for (const v of vals) console.log(v.join(' | '));
const { profile } = await cdp.send('Profiler.stop');
const self = new Map(); const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, us] of counts) { const n = byId.get(id); const cf = n.callFrame; const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').pop()}:${cf.lineNumber}`; self.set(k, (self.get(k) ?? 0) + us); }
const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const nm = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
for (const target of ['add', 'postMessage', 'width', 'get']) {
  const agg = new Map();
  for (const [id, us] of counts) { const n = byId.get(id); if (n.callFrame.functionName !== target) continue; let chain = []; let q = parent.get(id); for (let k = 0; k < 4 && q; k++) { chain.push(nm(byId.get(q))); q = parent.get(q); } const key = chain.join(' < '); agg.set(key, (agg.get(key) ?? 0) + us); }
  console.log('==', target); for (const [k, us] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 4)) console.log((us / 1000).toFixed(1).padStart(8), k);
}
const byUrl = new Map(); for (const [id, us] of counts) { const n = byId.get(id); const u = n.callFrame.url.split('/').pop() || n.callFrame.functionName; byUrl.set(u, (byUrl.get(u) ?? 0) + us); }
console.log('BY URL', JSON.stringify([...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => [k, Math.round(v / 1000)])));
const top = [...self].sort((a, b) => b[1] - a[1]).filter(([k]) => /session|uPlot/.test(k)).slice(0, 25);
for (const [k, us] of top) console.log((us / 1000).toFixed(1).padStart(8), 'ms', k);
const lt = await page.evaluate(() => window.__lt.map(([s, d]) => [Math.round(s - window.__t0), d]));
console.log('long tasks', lt.length, JSON.stringify(lt));
await b.close();
