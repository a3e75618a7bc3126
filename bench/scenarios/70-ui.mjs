// UI performance: first paint and editor readiness of a fresh visit (against a bare Svelte +
// Monaco baseline page measured in the same run), typing smoothness in a 2,000-line WAT file,
// and how soon compile diagnostics show after typing stops.
//
// All of it runs on the production build the harness serves. Fresh visits use a new browser
// context each (empty HTTP cache and storage, service workers blocked) at `/` without ?bench.
// Times are measured in the page (performance.now(), Event Timing, rAF, MutationObserver), so the
// Playwright round trips that drive the page are not in them.
//
//   node bench/run.mjs --only ui-visit,ui-typing,ui-diagnostics
//
// ui-baseline builds bench/ui-baseline (a bare Svelte page that lazily loads a frozen copy of the
// Monaco module issue 15 measured) and bench/ui-floor ("Monaco alone": the app's Monaco module
// imported by the entry at once, nothing else) into bench/results/, cached while their inputs are
// unchanged; ui-visit and ui-typing-baseline measure them beside the app, in the same run, because
// on a shared machine only such paired numbers mean much. The floor page's editor-ready ratio is
// the lowest the app could reach with Monaco. UI_VISITS=15 takes more visits.
//
// Targets (the issue's): fresh visit first contentful paint p50 ≤ 200 ms; editor ready p50 ≤ 800 ms
// (Monaco's input element exists, a view line shows the function's text, and a probe keystroke then
// lands in the model); typing in 2,000 lines: no rAF frame gap > 50 ms and gap p95 < 20 ms (frames
// come every 16.7 ms, so 50 ms is two missed frames); diagnostics ≤ 150 ms after the pause, judged
// from when the 150 ms compile debounce fires (seen as the status turning "Checking…") until both the
// problems list and the squiggle show the error. From the last keystroke it is ≥ 150 ms by design.
import { buildPage } from '../lib/ui-baseline.mjs';
import { serve } from '../lib/server.mjs';
import { ms, percentile, summarize } from '../lib/stats.mjs';
import {
  armDiagnostics,
  collectDiagnostics,
  editorPosition,
  editorText,
  freshVisit,
  generateWat,
  goToMarker,
  replaceText,
  smallWat,
  startRecorder,
  stopRecorder,
  waitForEditor,
  waitForStatus,
} from '../lib/ui-page.mjs';

const VIEWPORT = { width: 1280, height: 800 };
const VISITS = Math.max(3, Number(process.env.UI_VISITS) || 7);
/** The issue's numbers for a bare Svelte + Monaco page on an idle machine. */
const ISSUE_BASELINE = { fcp: 140, ready: 600 };
const TARGET = { maxGap: 50, p95Gap: 20, diagnostics: 150 };
/** First visit (issue 15): the app against the bare Svelte + Monaco page, p50 over p50. */
const VISIT_RATIO = { fcp: 1.0, ready: 0.7 };
/** The compile-as-you-type debounce of src/ui/editor/EditorPane.svelte (COMPILE_DELAY_MS). */
const DEBOUNCE_MS = 150;
/** Each scenario stops adding rounds after this long (the harness gives up at 120 s). */
const BUDGET_MS = 85_000;

const sleep = (t) => new Promise((ok) => setTimeout(ok, t));
const range = (s) => `${ms(s.min)} – ${ms(s.max)}`;
const sorted = (xs) => [...xs].sort((a, b) => a - b);

function isolationHeaders(options) {
  return options?.['no-isolation']
    ? {}
    : { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
}

// ---- the baseline page -------------------------------------------------------------------------

const baseline = {
  name: 'ui-baseline',
  description:
    'builds the bare Svelte + Monaco page of bench/ui-baseline and the "Monaco alone" page of bench/ui-floor (cached while their inputs are unchanged)',
  async run() {
    const b = buildPage('ui-baseline');
    const floor = buildPage('ui-floor');
    const built = (x) => (x.cached ? 'up to date' : `built in ${(x.buildMs / 1000).toFixed(1)} s`);
    return {
      metrics: { buildMs: b.buildMs + floor.buildMs },
      lines: [
        ['baseline build', built(b)],
        ['"Monaco alone" build', built(floor)],
      ],
      details: { ...b, floor },
    };
  },
};

// ---- fresh visits ------------------------------------------------------------------------------

const VISIT_KEYS = [
  'fcp',
  'domContentLoaded',
  'monacoFetched',
  'editor',
  'ready',
  'shown',
  'longTasksBeforeReady',
  'blockingBeforeReady',
  'longestBeforeReady',
];

function summarizeVisits(visits) {
  const out = Object.fromEntries(
    VISIT_KEYS.map((k) => [k, summarize(visits.map((v) => v[k]).filter((x) => x != null))]),
  );
  out.keyToShown = summarize(visits.map((v) => v.shown - v.key));
  return out;
}

const visit = {
  name: 'ui-visit',
  description: `${VISITS} fresh visits (new context, no cache, no service worker): first contentful paint and editor ready, interleaved with the bare baseline page`,
  needs: ['ui-baseline'],
  async run(page, ctx) {
    const browser = page.context().browser();
    const appUrl = new URL('/', page.url()).href;
    const built = ctx.results['ui-baseline'].details;
    const server = await serve(built.dir, { headers: isolationHeaders(ctx.options) });
    const floorServer = await serve(built.floor.dir, { headers: isolationHeaders(ctx.options) });
    const baseUrl = `${server.url}/`;
    const app = [];
    const base = [];
    const floor = [];
    const urls = new Map([
      [app, appUrl],
      [base, baseUrl],
      [floor, `${floorServer.url}/`],
    ]);
    const started = Date.now();
    try {
      // One unmeasured visit each: the first one pays for cold OS caches and a cold server.
      for (const url of urls.values()) await freshVisit(browser, url, { viewport: VIEWPORT });
      for (let i = 0; i < VISITS; i++) {
        if (i >= 3 && Date.now() - started > BUDGET_MS) break;
        // Alternate the order so a drift in machine load hits the pages alike.
        const order = i % 2 ? [base, floor, app] : [app, floor, base];
        for (const list of order)
          list.push(await freshVisit(browser, urls.get(list), { viewport: VIEWPORT }));
        ctx.log(`${i + 1}`);
      }
    } finally {
      await server.close();
      await floorServer.close();
    }
    const a = summarizeVisits(app);
    const b = summarizeVisits(base);
    const f = summarizeVisits(floor);
    const fcpRatio = a.fcp.p50 / b.fcp.p50;
    const readyRatio = a.ready.p50 / b.ready.p50;
    const floorReadyRatio = f.ready.p50 / b.ready.p50;
    return {
      metrics: {
        visits: app.length,
        fcpP50: a.fcp.p50,
        readyP50: a.ready.p50,
        baselineFcpP50: b.fcp.p50,
        baselineReadyP50: b.ready.p50,
        fcpRatio,
        readyRatio,
        floorReadyP50: f.ready.p50,
        floorReadyRatio,
        keyToShownP50: a.keyToShown.p50,
      },
      lines: [
        [`first contentful paint p50 (n=${app.length})`, `${ms(a.fcp.p50)}  (${range(a.fcp)})`],
        ['  baseline page p50', `${ms(b.fcp.p50)}  (${range(b.fcp)})`],
        [
          '  app / baseline: p50 · fastest visits',
          `× ${fcpRatio.toFixed(2)} · × ${(a.fcp.min / b.fcp.min).toFixed(2)}  (p50 ratio at the issue's ${ISSUE_BASELINE.fcp} ms baseline: ≈ ${ms(fcpRatio * ISSUE_BASELINE.fcp)})`,
        ],
        ['editor ready p50', `${ms(a.ready.p50)}  (${range(a.ready)})`],
        ['  baseline page p50', `${ms(b.ready.p50)}  (${range(b.ready)})`],
        [
          '  app / baseline: p50 · fastest visits',
          `× ${readyRatio.toFixed(2)} · × ${(a.ready.min / b.ready.min).toFixed(2)}  (p50 ratio at the issue's ${ISSUE_BASELINE.ready} ms baseline: ≈ ${ms(readyRatio * ISSUE_BASELINE.ready)})`,
        ],
        [
          '  "Monaco alone" (the floor) p50 / baseline',
          `${ms(f.ready.p50)}  (${range(f.ready)}) = × ${floorReadyRatio.toFixed(2)}: no page showing this Monaco is ready sooner`,
        ],
        [
          '  app p50: DOMContentLoaded · Monaco fetched · editor created',
          `${ms(a.domContentLoaded.p50)} · ${ms(a.monacoFetched.p50)} · ${ms(a.editor.p50)}`,
        ],
        [
          '  baseline p50: DOMContentLoaded · Monaco fetched · editor created',
          `${ms(b.domContentLoaded.p50)} · ${ms(b.monacoFetched.p50)} · ${ms(b.editor.p50)}`,
        ],
        [
          '  long tasks before ready p50: app · baseline',
          `${a.longTasksBeforeReady.p50} (blocking ${ms(a.blockingBeforeReady.p50)}) · ${b.longTasksBeforeReady.p50} (blocking ${ms(b.blockingBeforeReady.p50)})`,
        ],
        [
          '  probe keystroke → in the model p50: app · baseline',
          `${ms(a.keyToShown.p50)} · ${ms(b.keyToShown.p50)}`,
        ],
      ],
      details: {
        app: a,
        baseline: b,
        floor: f,
        // Per round (one visit of each, back to back): less sensitive to a drift in machine load.
        pairedRatio: {
          fcp: summarize(app.map((v, i) => v.fcp / base[i].fcp)).p50,
          ready: summarize(app.map((v, i) => v.ready / base[i].ready)).p50,
        },
        appVisits: app,
        baselineVisits: base,
        floorVisits: floor,
        appUrl,
        baseUrl,
      },
    };
  },
  // Issue 15 ("a faster first visit"): ratios against the bare Svelte + Monaco page in the same run.
  targets: [
    {
      label: `first contentful paint p50 ≤ ${VISIT_RATIO.fcp} × the bare page's (same run)`,
      check: (r) => ({
        pass: r.metrics.fcpRatio <= VISIT_RATIO.fcp,
        actual: `× ${r.metrics.fcpRatio.toFixed(2)} (${ms(r.metrics.fcpP50)})`,
      }),
    },
    {
      label: `editor ready p50 ≤ ${VISIT_RATIO.ready} × the bare page's (same run)`,
      check: (r) => ({
        pass: r.metrics.readyRatio <= VISIT_RATIO.ready,
        actual: `× ${r.metrics.readyRatio.toFixed(2)} (${ms(r.metrics.readyP50)})`,
      }),
    },
  ],
};

// ---- typing in a 2,000-line file ------------------------------------------------------------------

/** ~200 characters of a new function, typed line by line with a short pause after each line. */
const TYPED = [
  ';; typed by the benchmark at a steady pace',
  '(func $typed (export "typed") (param $x i32) (param $y i32) (result i32)',
  'local.get $x',
  'local.get $y',
  'i32.mul',
  'i32.const 42',
  'i32.add)',
];
const KEY_DELAY_MS = 70; // ≈ 14 characters a second, a quick typist
const LINE_PAUSE_MS = 600; // long enough for compile-as-you-type to run between lines
const IDLE_MS = 5000;
/** Main-thread time from CDP Performance.getMetrics (cumulative seconds). */
const CDP_METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];

async function mainThreadTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(
    CDP_METRICS.map((k) => [k, (metrics.find((m) => m.name === k)?.value ?? 0) * 1000]),
  );
}

/** Records `fn()` with the in-page recorders and the CDP main-thread counters. */
async function recordWindow(page, cdp, fn) {
  await startRecorder(page);
  const before = await mainThreadTime(cdp);
  await fn();
  const after = await mainThreadTime(cdp);
  const rec = await stopRecorder(page);
  const thread = Object.fromEntries(CDP_METRICS.map((k) => [k, after[k] - before[k]]));
  return frameStats(rec, thread);
}

/** Which scripts the long animation frames spent their time in: the top few by total duration. */
function loafAttribution(loafs, top = 5) {
  const by = new Map();
  for (const f of loafs)
    for (const [invoker, file, fn, duration] of f.scripts) {
      const key = `${file || '?'} ${fn || '(anonymous)'} ← ${invoker}`;
      const e = by.get(key) ?? { key, total: 0, count: 0, max: 0 };
      e.total += duration;
      e.count++;
      e.max = Math.max(e.max, duration);
      by.set(key, e);
    }
  return [...by.values()].sort((a, b) => b.total - a.total).slice(0, top);
}

function frameStats(rec, thread) {
  const gaps = [];
  for (let i = 1; i < rec.frames.length; i++) gaps.push(rec.frames[i] - rec.frames[i - 1]);
  const s = summarize(gaps);
  const seconds = (rec.t1 - rec.t0) / 1000;
  const longTasks = rec.longTasks.map(([, d]) => d);
  const keyEvents = rec.events.filter(([name]) => name === 'keydown' || name === 'keypress');
  return {
    durationMs: rec.t1 - rec.t0,
    frames: rec.frames.length,
    gapP50: s.p50,
    gapP95: percentile(sorted(gaps), 95),
    gapMax: s.max,
    gapsOver50: gaps.filter((g) => g > 50).length,
    gapsOver50PerMin: (gaps.filter((g) => g > 50).length / seconds) * 60,
    longTasks: longTasks.length,
    longTaskTotal: longTasks.reduce((a, b) => a + b, 0),
    longTaskMax: longTasks.reduce((a, b) => Math.max(a, b), 0),
    longTaskShare: longTasks.reduce((a, b) => a + b, 0) / (rec.t1 - rec.t0),
    keys: rec.keys.length,
    // Event Timing: keydown/keypress → next paint, only for events of 16 ms or more (the API's floor).
    slowKeyEvents: keyEvents.length,
    keyEventMax: keyEvents.reduce((a, [, , d]) => Math.max(a, d), 0),
    keyEventsOver50: keyEvents.filter(([, , d]) => d > 50).length,
    keyInputDelayMax: keyEvents.reduce((a, [, , , delay]) => Math.max(a, delay), 0),
    // Main-thread time (CDP counters), as a share of the window: how busy the page kept itself.
    thread,
    busyShare: thread.TaskDuration / (rec.t1 - rec.t0),
    scriptPerKey: rec.keys.length ? thread.ScriptDuration / rec.keys.length : NaN,
    longFrames: rec.loafs.length,
    longFrameScripts: loafAttribution(rec.loafs),
  };
}

const pct = (x) => `${(x * 100).toFixed(0)} %`;

/**
 * Pastes the 2,000-line module into the page's editor, puts the cursor after `;; TYPE-HERE`,
 * records 5 s of nobody typing, then the typing. `compiles`: the page shows a compile status.
 */
async function typingSession(page, { compiles }) {
  await waitForEditor(page);
  const wat = generateWat(2000);
  await replaceText(page, wat);
  if (compiles) await waitForStatus(page, /Compiles/);
  const at = await goToMarker(page, 'TYPE-HERE');
  if (at?.lineNumber !== wat.split('\n').indexOf('  ;; TYPE-HERE') + 1)
    throw new Error(`the cursor is not on the TYPE-HERE line (${JSON.stringify(at)})`);
  await page.keyboard.press('End');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await sleep(1000); // let the autosave of the pasted text pass

  // The same recorders with nobody typing: what the machine itself does to frames right now.
  const idle = await recordWindow(page, cdp, () => sleep(IDLE_MS));
  const busy = await recordWindow(page, cdp, async () => {
    for (const line of TYPED) {
      // Escape first: Enter would accept an open suggestion instead of breaking the line.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Enter');
      await page.keyboard.type(line, { delay: KEY_DELAY_MS });
      await sleep(LINE_PAUSE_MS);
    }
    await sleep(500);
  });
  await cdp.detach();
  const text = await editorText(page);
  const from = text.indexOf('TYPE-HERE');
  const added = text.slice(from, text.indexOf(';; f', from));
  if (!TYPED.every((line) => added.includes(line.replace(/\)+$/, ''))))
    throw new Error(`the typed text did not reach the editor: ${JSON.stringify(added)}`);
  return { busy, idle };
}

function typingLines(busy, idle) {
  const top = busy.longFrameScripts[0];
  return [
    [
      `frame gaps while typing (${busy.frames} frames, ${(busy.durationMs / 1000).toFixed(1)} s)`,
      `p50 ${ms(busy.gapP50)} · p95 ${ms(busy.gapP95)} · max ${ms(busy.gapMax)} · ${busy.gapsOver50} over 50 ms (${busy.gapsOver50PerMin.toFixed(0)}/min)`,
    ],
    [
      `  same page, nobody typing (${(idle.durationMs / 1000).toFixed(1)} s)`,
      `p50 ${ms(idle.gapP50)} · p95 ${ms(idle.gapP95)} · max ${ms(idle.gapMax)} · ${idle.gapsOver50} over 50 ms (${idle.gapsOver50PerMin.toFixed(0)}/min)`,
    ],
    [
      '  long tasks: typing · idle',
      `${busy.longTasks} (${ms(busy.longTaskTotal)}, longest ${ms(busy.longTaskMax)}) · ${idle.longTasks} (${ms(idle.longTaskTotal)}, longest ${ms(idle.longTaskMax)})`,
    ],
    [
      '  main thread busy: typing · idle',
      `${pct(busy.busyShare)} (script ${ms(busy.scriptPerKey)} per key) · ${pct(idle.busyShare)}`,
    ],
    [
      `  keystroke → next paint (Event Timing, ${busy.keys} keys)`,
      `${busy.keyEventsOver50} key events over 50 ms · max ${ms(busy.keyEventMax)}`,
    ],
    [
      `  long animation frames: ${busy.longFrames}; most script time in`,
      top ? `${top.key}: ${ms(top.total)} in ${top.count}` : 'none',
    ],
  ];
}

const typingMetrics = (busy, idle) => ({
  maxGap: busy.gapMax,
  p95Gap: busy.gapP95,
  p50Gap: busy.gapP50,
  gapsOver50: busy.gapsOver50,
  gapsOver50PerMin: busy.gapsOver50PerMin,
  longTasks: busy.longTasks,
  longTaskTotal: busy.longTaskTotal,
  longTaskMax: busy.longTaskMax,
  keyEventMax: busy.keyEventMax,
  keyEventsOver50: busy.keyEventsOver50,
  busyShare: busy.busyShare,
  scriptPerKey: busy.scriptPerKey,
  idleMaxGap: idle.gapMax,
  idleP95Gap: idle.gapP95,
  idleGapsOver50PerMin: idle.gapsOver50PerMin,
  idleLongTasks: idle.longTasks,
  idleBusyShare: idle.busyShare,
});

const TYPING_WHAT = `typing ~200 characters (${KEY_DELAY_MS} ms between keys, ${LINE_PAUSE_MS} ms after each line) in the middle of a generated 2,000-line WAT module`;

const typingBaseline = {
  name: 'ui-typing-baseline',
  description: `${TYPING_WHAT}, in the bare Svelte + Monaco page (the same editor, WAT language and options; no app around it)`,
  needs: ['ui-baseline'],
  async run(page, ctx) {
    const server = await serve(ctx.results['ui-baseline'].details.dir, {
      headers: isolationHeaders(ctx.options),
    });
    const context = await page
      .context()
      .browser()
      .newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
    try {
      const p = await context.newPage();
      await p.goto(`${server.url}/`);
      const { busy, idle } = await typingSession(p, { compiles: false });
      return {
        metrics: typingMetrics(busy, idle),
        lines: typingLines(busy, idle),
        details: { typing: busy, idle },
      };
    } finally {
      await context.close();
      await server.close();
    }
  },
};

const typing = {
  name: 'ui-typing',
  description: TYPING_WHAT,
  needs: ['ui-typing-baseline'],
  async run(_page, ctx) {
    const page = await ctx.reload();
    // A fresh page afterwards too: the next scenarios must not find a 2,000-line function open.
    const { busy, idle } = await typingSession(page, { compiles: true }).finally(() => ctx.reload());
    const base = ctx.results['ui-typing-baseline']?.metrics;
    const lines = typingLines(busy, idle);
    if (base)
      lines.push([
        '  baseline page (ui-typing-baseline): gap p95 · max · busy',
        `${ms(base.p95Gap)} · ${ms(base.maxGap)} · ${pct(base.busyShare)} (script ${ms(base.scriptPerKey)} per key)`,
      ]);
    return {
      metrics: {
        ...typingMetrics(busy, idle),
        pass: busy.gapMax <= TARGET.maxGap && busy.gapP95 < TARGET.p95Gap,
        baselineP95Gap: base?.p95Gap ?? null,
        baselineMaxGap: base?.maxGap ?? null,
        baselineBusyShare: base?.busyShare ?? null,
      },
      lines,
      details: { typing: busy, idle, typed: TYPED, keyDelayMs: KEY_DELAY_MS, linePauseMs: LINE_PAUSE_MS },
    };
  },
  targets: [
    {
      label: `typing: no frame gap > ${TARGET.maxGap} ms and gap p95 < ${TARGET.p95Gap} ms`,
      check: (r) => ({
        pass: r.metrics.pass,
        actual:
          `max ${ms(r.metrics.maxGap)}, p95 ${ms(r.metrics.p95Gap)}` +
          (r.metrics.baselineMaxGap !== null
            ? ` (bare page: ${ms(r.metrics.baselineMaxGap)}, ${ms(r.metrics.baselineP95Gap)})`
            : ''),
      }),
    },
  ],
};

// ---- diagnostics after the pause ------------------------------------------------------------------

const TRIALS = 7;
const ERROR_KEYS = '00x'; // `i32.const 42` → 4200 (valid) → 4200x (the error comes with the last key)

/** Waits until the armed recorder saw a status matching `re` after the last key (and the squiggle state). */
async function waitForArrival(page, re, squiggle) {
  await page.waitForFunction(
    ([src, want]) => {
      const d = window.__uiDiag;
      const last = d.keys[d.keys.length - 1] ?? 0;
      const re = new RegExp(src);
      const status = d.status.some(([t, text]) => t > last && re.test(text));
      const sq = want === null || d.squiggles.some(([t, on]) => t > last && on === want);
      return status && sq;
    },
    [re.source, squiggle],
    { timeout: 15_000, polling: 50 },
  );
  return collectDiagnostics(page);
}

/** Times after the last keystroke of a recording: debounce fired, status shown, squiggle toggled. */
function arrival(rec, re) {
  const last = rec.keys[rec.keys.length - 1];
  const after = rec.status.filter(([t]) => t > last);
  const fired = after.find(([, text]) => /Checking/.test(text))?.[0];
  const shown = after.find(([, text]) => re.test(text))?.[0];
  const squiggle = rec.squiggles.find(([t]) => t > last)?.[0];
  // Both on screen: the problems list and the squiggle (or its removal) in the editor.
  const visible = Math.max(shown, squiggle ?? -Infinity);
  return {
    keys: rec.keys.length,
    debounce: fired !== undefined ? fired - last : null,
    fromKey: visible - last,
    fromFire: fired !== undefined ? visible - fired : null,
    statusFromKey: shown - last,
    squiggleFromKey: squiggle !== undefined ? squiggle - last : null,
  };
}

async function diagnosticsTrials(page, ctx, wat, label, budgetMs) {
  const started = Date.now();
  await replaceText(page, wat);
  await waitForStatus(page, /Compiles/);
  const at = await goToMarker(page, 'EDIT-HERE');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  const pos = await editorPosition(page);
  if (pos?.lineNumber !== at.lineNumber + 1 || pos.column !== '    i32.const 42'.length + 1)
    throw new Error(`the cursor is not after "i32.const 42" (${JSON.stringify(pos)})`);
  const errors = [];
  const fixes = [];
  for (let i = 0; i < TRIALS; i++) {
    if (i >= 3 && Date.now() - started > budgetMs) break;
    await waitForStatus(page, /Compiles/);
    await sleep(300);
    // The error: three keys, only the last one breaks the module.
    await armDiagnostics(page);
    await page.keyboard.type(ERROR_KEYS, { delay: 60 });
    errors.push(arrival(await waitForArrival(page, /problem/, true), /problem/));
    await sleep(300);
    // The fix: one Backspace (4200x → 4200).
    await armDiagnostics(page);
    await page.keyboard.press('Backspace');
    fixes.push(arrival(await waitForArrival(page, /Compiles/, false), /Compiles/));
    // Back to `i32.const 42`, unmeasured.
    await armDiagnostics(page);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await waitForArrival(page, /Compiles/, null);
    ctx.log(`${label} ${i + 1}`);
  }
  const pick = (list, k) => summarize(list.map((x) => x[k]).filter((x) => x != null));
  return {
    trials: errors.length,
    error: {
      debounce: pick(errors, 'debounce'),
      fromKey: pick(errors, 'fromKey'),
      fromFire: pick(errors, 'fromFire'),
      statusFromKey: pick(errors, 'statusFromKey'),
      squiggleFromKey: pick(errors, 'squiggleFromKey'),
    },
    fix: { fromKey: pick(fixes, 'fromKey') },
    raw: { errors, fixes },
  };
}

const diagnostics = {
  name: 'ui-diagnostics',
  description: `an error typed into a sample-sized module and into the 2,000-line one: time until the problems list and the squiggle show it (debounce ${DEBOUNCE_MS} ms)`,
  async run(_page, ctx) {
    const page = await ctx.reload();
    let small, large;
    try {
      await waitForEditor(page);
      small = await diagnosticsTrials(page, ctx, smallWat(), 'small', BUDGET_MS / 2);
      large = await diagnosticsTrials(page, ctx, generateWat(2000), 'large', BUDGET_MS / 2);
    } finally {
      await ctx.reload(); // the next scenarios get a page without the edited function
    }
    const lines = [];
    for (const [name, r] of [
      ['sample-sized module (11 lines)', small],
      ['2,000-line module', large],
    ]) {
      lines.push(
        [
          `${name}: error on screen p50 (n=${r.trials})`,
          `${ms(r.error.fromFire.p50)} after the debounce fired · ${ms(r.error.fromKey.p50)} after the last key`,
        ],
        ['  after the debounce fired: min – max', `${range(r.error.fromFire)}`],
        [
          '  after the last key p50: debounce fired · problems list · squiggle',
          `${ms(r.error.debounce.p50)} · ${ms(r.error.statusFromKey.p50)} · ${ms(r.error.squiggleFromKey.p50)}`,
        ],
        ['  fix (one Backspace) on screen after the key p50', ms(r.fix.fromKey.p50)],
      );
    }
    return {
      metrics: {
        smallFromFireP50: small.error.fromFire.p50,
        smallFromKeyP50: small.error.fromKey.p50,
        smallFromFireMax: small.error.fromFire.max,
        smallDebounceP50: small.error.debounce.p50,
        largeFromFireP50: large.error.fromFire.p50,
        largeFromKeyP50: large.error.fromKey.p50,
        largeFromFireMax: large.error.fromFire.max,
        largeDebounceP50: large.error.debounce.p50,
      },
      lines,
      details: { small, large, debounceMs: DEBOUNCE_MS },
    };
  },
  // Judged after the debounce fires: the issue's "≤ 150 ms after the pause" cannot hold from the
  // last keystroke while the debounce itself is 150 ms. The "after the last key" numbers are shown.
  targets: [
    {
      label: `error on screen ≤ ${TARGET.diagnostics} ms after the debounce fired, sample-sized module (p50)`,
      check: (r) => ({
        pass: r.metrics.smallFromFireP50 <= TARGET.diagnostics,
        actual: `${ms(r.metrics.smallFromFireP50)} (${ms(r.metrics.smallFromKeyP50)} from the key)`,
      }),
    },
    {
      label: `error on screen ≤ ${TARGET.diagnostics} ms after the debounce fired, 2,000 lines (p50)`,
      check: (r) => ({
        pass: r.metrics.largeFromFireP50 <= TARGET.diagnostics,
        actual: `${ms(r.metrics.largeFromFireP50)} (${ms(r.metrics.largeFromKeyP50)} from the key)`,
      }),
    },
  ],
};

export default [baseline, visit, typingBaseline, typing, diagnostics];
