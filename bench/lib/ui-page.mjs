// Page helpers for the UI scenarios (bench/scenarios/70-ui.mjs): fresh visits measured from
// navigation start, the editor (focus, paste, jump to a marker), in-page recorders for frames,
// long tasks and keystrokes, and the generated 2,000-line WAT module.
//
// Everything is observed from the DOM and the editor host's test hook (`nanofaasEditor` on
// data-testid="editor", see src/ui/editor/EditorPane.svelte); nothing in the app is changed.

const EDITOR = '[data-testid="editor"]';
/** Monaco's focusable input: an EditContext div in Chromium (0.5x), a textarea elsewhere. */
const EDITOR_INPUT = '.native-edit-context, textarea.inputarea';

// ---- fresh visits ------------------------------------------------------------------------

/**
 * Installed with addInitScript before the page's own scripts: watches the DOM (a
 * MutationObserver, so no polling on the main thread) and records, in ms since navigation start,
 *   editor  — Monaco's root element exists in the editor host,
 *   ready   — its input element exists, a view line shows text and the model holds text,
 *   key     — the first keydown afterwards (the probe; the event's own timestamp),
 *   shown   — the model holds the probe character (it was accepted as input).
 * Long tasks are recorded from the start.
 */
function visitWatcher([editorSel, inputSel, probe]) {
  const w = (window.__uiBench = { marks: {}, longTasks: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long task timing in this browser
  }
  addEventListener(
    'keydown',
    (e) => {
      if (w.marks.ready !== undefined && w.marks.key === undefined) w.marks.key = e.timeStamp;
    },
    true,
  );
  const check = () => {
    const host = document.querySelector(editorSel);
    if (!host) return;
    const m = w.marks;
    if (m.editor === undefined && host.querySelector('.monaco-editor')) m.editor = performance.now();
    const hook = host.nanofaasEditor;
    if (m.ready === undefined) {
      const line = host.querySelector('.view-lines .view-line');
      if (!hook || !line || !line.textContent || !host.querySelector(inputSel)) return;
      if (!hook.getValue()) return;
      m.ready = performance.now();
    } else if (m.key !== undefined && m.shown === undefined && hook.getValue().includes(probe)) {
      m.shown = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** The probe typed into the editor once it is ready (not in the sample's text). */
const PROBE = 'Q';

/**
 * One fresh visit: a new browser context (empty cache and storage, service workers blocked),
 * navigate to `url`, wait until the editor is ready, type a probe character into it and wait
 * until the model holds it. Returns the page's marks (ms since navigation start).
 */
export async function freshVisit(browser, url, { viewport, timeout = 30_000 } = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport });
  try {
    await context.addInitScript(visitWatcher, [EDITOR, EDITOR_INPUT, PROBE]);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit', timeout });
    const poll = { timeout, polling: 50 };
    await page.waitForFunction(() => window.__uiBench?.marks.ready !== undefined, null, poll);
    await page.locator(EDITOR).locator(EDITOR_INPUT).first().focus();
    await page.keyboard.type(PROBE);
    await page.waitForFunction(() => window.__uiBench.marks.shown !== undefined, null, poll);
    return await page.evaluate(() => {
      const w = window.__uiBench;
      const nav = performance.getEntriesByType('navigation')[0];
      const paint = Object.fromEntries(
        performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]),
      );
      const chunk = performance.getEntriesByType('resource').find((r) => /\/monaco-[^/]*\.js$/.test(r.name));
      const beforeReady = w.longTasks.filter(([start]) => start < w.marks.ready);
      return {
        ...w.marks,
        fcp: paint['first-contentful-paint'] ?? null,
        fp: paint['first-paint'] ?? null,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
        monacoFetched: chunk ? chunk.responseEnd : null,
        longTasksBeforeReady: beforeReady.length,
        blockingBeforeReady: beforeReady.reduce((s, [, d]) => s + Math.max(0, d - 50), 0),
        longestBeforeReady: beforeReady.reduce((s, [, d]) => Math.max(s, d), 0),
      };
    });
  } finally {
    await context.close();
  }
}

// ---- the editor ------------------------------------------------------------------------

/** Waits until Monaco shows the open function (the hook holds text). */
export async function waitForEditor(page, timeout = 30_000) {
  await page.locator(`${EDITOR} .monaco-editor`).waitFor({ timeout });
  await page.waitForFunction((sel) => !!document.querySelector(sel)?.nanofaasEditor?.getValue(), EDITOR, {
    timeout,
    polling: 50,
  });
}

export function editorText(page) {
  return page.evaluate((sel) => document.querySelector(sel).nanofaasEditor.getValue(), EDITOR);
}

export function editorPosition(page) {
  return page.evaluate((sel) => document.querySelector(sel).nanofaasEditor.getPosition(), EDITOR);
}

export function compileStatus(page) {
  return page.getByTestId('compile-status').innerText();
}

/** Waits until the compile status text matches `re` (polled rarely: the page is being measured). */
export async function waitForStatus(page, re, timeout = 30_000) {
  await page.waitForFunction(
    ([src, flags]) =>
      new RegExp(src, flags).test(
        document.querySelector('[data-testid="compile-status"]')?.textContent ?? '',
      ),
    [re.source, re.flags],
    { timeout, polling: 50 },
  );
}

/** Puts the keyboard focus in the editor (a click on its text, as a user would). */
export async function focusEditor(page) {
  await page.locator(`${EDITOR} .view-lines`).click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.contains(document.activeElement), EDITOR, {
    polling: 50,
  });
}

/** Replaces the editor's text as select-all and Ctrl+V would, and waits until the model holds it. */
export async function replaceText(page, text) {
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    document.activeElement?.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
  await page.waitForFunction(
    ([sel, n]) => document.querySelector(sel).nanofaasEditor.getValue().length === n,
    [EDITOR, text.length],
    { timeout: 30_000, polling: 100 },
  );
  if ((await editorText(page)) !== text) throw new Error('the pasted text differs from the model');
}

/**
 * Moves the cursor to the line holding `marker` with Monaco's find widget (Ctrl+F, type, Enter,
 * Escape), as a user would in a long file; returns the cursor position.
 */
export async function goToMarker(page, marker) {
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+F');
  await page.locator(`${EDITOR} .find-widget textarea, ${EDITOR} .find-widget input`).first().waitFor();
  await page.keyboard.type(marker);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.waitForFunction((sel) => document.querySelector(sel)?.contains(document.activeElement), EDITOR, {
    polling: 50,
  });
  return editorPosition(page);
}

// ---- recorders ----------------------------------------------------------------------------

/**
 * Starts recording in the page: animation frames (rAF timestamps), long tasks, Event Timing
 * entries of key events (≥ 16 ms, the API's floor) and keydown times. `stopRecorder` returns them.
 */
export function startRecorder(page) {
  return page.evaluate(() => {
    const r = { frames: [], longTasks: [], loafs: [], events: [], keys: [], running: true, observers: [] };
    window.__uiRec = r;
    const frame = (t) => {
      if (!r.running) return;
      r.frames.push(t);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const observe = (type, opts, fn) => {
      try {
        const o = new PerformanceObserver((list) => list.getEntries().forEach(fn));
        o.observe({ type, ...opts });
        r.observers.push(o);
      } catch {
        // not supported here
      }
    };
    observe('longtask', {}, (e) => r.longTasks.push([e.startTime, e.duration]));
    // Long animation frames say which scripts made a frame late (file, function, how it was invoked).
    const loaf = (e) =>
      r.loafs.push({
        start: e.startTime,
        duration: e.duration,
        blocking: e.blockingDuration,
        scripts: e.scripts.map((x) => [
          x.invoker,
          x.sourceURL.split('/').pop(),
          x.sourceFunctionName,
          x.duration,
          x.forcedStyleAndLayoutDuration,
        ]),
      });
    observe('long-animation-frame', {}, loaf);
    observe('event', { durationThreshold: 16 }, (e) => {
      if (/^key|^input|^beforeinput/.test(e.name))
        r.events.push([e.name, e.startTime, e.duration, e.processingStart - e.startTime]);
    });
    r.onKey = (e) => r.keys.push(e.timeStamp);
    addEventListener('keydown', r.onKey, true);
    r.t0 = performance.now();
  });
}

export function stopRecorder(page) {
  return page.evaluate(async () => {
    const r = window.__uiRec;
    // Let the last frame and pending performance entries arrive.
    await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 50)));
    r.running = false;
    for (const o of r.observers) {
      for (const e of o.takeRecords()) {
        if (e.entryType === 'longtask') r.longTasks.push([e.startTime, e.duration]);
      }
      // (long animation frames and events still queued now are a few ms late at most: dropped)
      o.disconnect();
    }
    removeEventListener('keydown', r.onKey, true);
    const t1 = performance.now();
    delete window.__uiRec;
    return {
      t0: r.t0,
      t1,
      frames: r.frames,
      longTasks: r.longTasks,
      loafs: r.loafs,
      events: r.events,
      keys: r.keys,
    };
  });
}

/**
 * Arms a recorder for one diagnostics round trip: keydown times, every compile-status text change
 * (time, text) and every time the editor starts or stops showing an error squiggle (both seen by
 * MutationObservers, so the time is when the DOM changed, in the task that changed it).
 */
export function armDiagnostics(page) {
  return page.evaluate((sel) => {
    const status = document.querySelector('[data-testid="compile-status"]');
    const host = document.querySelector(sel);
    const d = { keys: [], status: [], squiggles: [] };
    window.__uiDiag = d;
    d.onKey = () => d.keys.push(performance.now());
    addEventListener('keydown', d.onKey, true);
    d.observer = new MutationObserver(() =>
      d.status.push([performance.now(), status.textContent.replace(/\s+/g, ' ').trim()]),
    );
    d.observer.observe(status, { childList: true, subtree: true, characterData: true });
    let shown = !!host.querySelector('.squiggly-error');
    d.squiggleObserver = new MutationObserver(() => {
      const now = !!host.querySelector('.squiggly-error');
      if (now !== shown) d.squiggles.push([performance.now(), now]);
      shown = now;
    });
    d.squiggleObserver.observe(host, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['class'],
    });
  }, EDITOR);
}

export function collectDiagnostics(page) {
  return page.evaluate(() => {
    const d = window.__uiDiag;
    d.observer.disconnect();
    d.squiggleObserver.disconnect();
    removeEventListener('keydown', d.onKey, true);
    delete window.__uiDiag;
    return { keys: d.keys, status: d.status, squiggles: d.squiggles };
  });
}

// ---- a 2,000-line WAT module -----------------------------------------------------------

/** Function bodies the generated module cycles through (each 9 lines with its comment and gap). */
const TEMPLATES = [
  (k) => [
    `  ;; f${k}: a * ${k % 7} + b`,
    `  (func $f${k} (export "f${k}") (param $a i32) (param $b i32) (result i32)`,
    `    local.get $a`,
    `    i32.const ${k % 7}`,
    `    i32.mul`,
    `    local.get $b`,
    `    i32.add`,
    `    return)`,
  ],
  (k) => [
    `  ;; f${k}: sum of 0..n-1 in a loop`,
    `  (func $f${k} (export "f${k}") (param $n i32) (result i32) (local $i i32) (local $s i32)`,
    `    (block $done`,
    `      (loop $next`,
    `        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))`,
    `        (local.set $s (i32.add (local.get $s) (local.get $i)))`,
    `        (local.set $i (i32.add (local.get $i) (i32.const 1)))`,
    `        (br $next)))`,
    `    (local.get $s))`,
  ],
  (k) => [
    `  ;; f${k}: max(a, b) with if/else`,
    `  (func $f${k} (export "f${k}") (param $a i64) (param $b i64) (result i64)`,
    `    (if (result i64) (i64.gt_s (local.get $a) (local.get $b))`,
    `      (then (local.get $a))`,
    `      (else (local.get $b))))`,
  ],
  (k) => [
    `  ;; f${k}: memory[${(k * 8) % 65536}] += x`,
    `  (func $f${k} (export "f${k}") (param $x f64)`,
    `    i32.const ${(k * 8) % 65536}`,
    `    i32.const ${(k * 8) % 65536}`,
    `    f64.load`,
    `    local.get $x`,
    `    f64.add`,
    `    f64.store)`,
  ],
];

/**
 * A valid WAT module of exactly `lines` lines (many small functions of a few kinds), with
 * `;; TYPE-HERE` between two functions near the middle and an `$edit` function whose
 * `i32.const 42` line follows `;; EDIT-HERE`.
 */
export function generateWat(lines = 2000) {
  const head = [';; Generated for the UI benchmark: many small functions.', '(module', '  (memory 1)'];
  const edit = [
    '  ;; $edit: the diagnostics scenario edits the constant below',
    '  (func $edit (export "edit") (param $a i32) (result i32)',
    '    local.get $a',
    '    ;; EDIT-HERE',
    '    i32.const 42',
    '    i32.add)',
  ];
  const body = [];
  const budget = lines - head.length - 1 - edit.length - 2; // 1: the closing paren; 2: TYPE-HERE and its gap
  for (let k = 0; ; k++) {
    const fn = [...TEMPLATES[k % TEMPLATES.length](k), ''];
    if (body.length + fn.length > budget) break;
    body.push(...fn);
  }
  while (body.length < budget) body.push('');
  const middle = Math.floor(body.length / 2);
  let cut = body.indexOf('', middle); // after a function
  if (cut < 0) cut = middle;
  const out = [
    ...head,
    ...body.slice(0, cut + 1),
    '  ;; TYPE-HERE',
    '',
    ...body.slice(cut + 1),
    ...edit,
    ')',
  ];
  return out.join('\n');
}

/** A small module (the size of a sample) with the same `$edit` function. */
export function smallWat() {
  return [
    ';; Adds two integers, then the constant.',
    '(module',
    '  (func (export "_start") (param $a i32) (param $b i32) (result i32)',
    '    local.get $a',
    '    local.get $b',
    '    i32.add)',
    '  (func $edit (export "edit") (param $a i32) (result i32)',
    '    local.get $a',
    '    ;; EDIT-HERE',
    '    i32.const 42',
    '    i32.add))',
  ].join('\n');
}
