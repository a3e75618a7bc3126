// User story: I close the tab (or it crashes, or I reload) and find my workspace exactly as I left
// it: every function's source and settings, the open function, the platform settings, the compiler
// features and the invocation history behind the charts.
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, failOnPageErrors } from './support/faas';
import { panel, runForm, runFromPanel, screenshot, showPanel } from './support/panels';
import {
  editorText,
  functionNames,
  functionRow,
  openPlayground,
  pickSample,
  replaceEditorText,
  waitForEditor,
  waitForInvocation,
} from './support/playground';
import { setSetting, settingsField, stored, waitForSaved } from './support/share';

const EDITED_FIB = `;; edited before the reload
(module
  (func $fib (export "_start") (param $n i32) (result i32)
    local.get $n
    i32.const 2
    i32.lt_s
    if (result i32)
      local.get $n
    else
      local.get $n
      i32.const 1
      i32.sub
      call $fib
      local.get $n
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end))`;

test('source, settings, the open function, platform settings, features and history survive a reload', async ({
  page,
}, testInfo) => {
  const errors = failOnPageErrors(page);
  await openPlayground(page);
  // Nothing is saved for the untouched default sample…
  await page.waitForTimeout(800);
  expect(await stored(page)).toBeNull();

  // …but everything the user does is.
  await showPanel(page, 'Run');
  await runForm(page, 'sum').getByLabel('a (i32)').fill('40');
  await runFromPanel(page);
  await waitForInvocation(page, 'sum', 1);
  await runFromPanel(page);
  await waitForInvocation(page, 'sum', 2);

  await pickSample(page, 'fib');
  await replaceEditorText(page, EDITED_FIB);
  await showPanel(page, 'Settings');
  await setSetting(page, 'Timeout (ms)', 2345);
  await setSetting(page, 'Max workers', 3);
  await settingsField(page, 'Tail call').check();
  await showPanel(page, 'Run');
  await runForm(page, 'fib').getByLabel('n (i32)').fill('12');
  await runFromPanel(page);
  await waitForInvocation(page, 'fib', 1);

  const saved = await waitForSaved(
    page,
    (s) =>
      s.history === 3 &&
      s.open === 'fib' &&
      s.platform.maxWorkers === 3 &&
      s.features.tail_call === true &&
      s.functions.some((f) => f.name === 'fib' && f.text === EDITED_FIB && f.config.timeoutMs === 2345),
  );
  expect(saved.functions.map((f) => f.name)).toEqual(['sum', 'fib']);

  await page.reload();
  await waitForEditor(page);
  expect(await functionNames(page)).toEqual(['sum', 'fib']);
  await expect(functionRow(page, 'fib').getByRole('button', { name: /^fib/ })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect.poll(() => editorText(page)).toBe(EDITED_FIB);
  await expect(runForm(page, 'fib').getByLabel('n (i32)')).toHaveValue('12');
  await showPanel(page, 'Settings');
  await expect(settingsField(page, 'Timeout (ms)')).toHaveValue('2345');
  await expect(settingsField(page, 'Max workers')).toHaveValue('3');
  await expect(settingsField(page, 'Tail call')).toBeChecked();
  expect(await page.evaluate(() => window.faas.config().maxWorkers)).toBe(3);
  // The history is back in the platform, so charts and stats see it; nothing was re-run.
  expect(await page.evaluate(() => window.faas.invocations().length)).toBe(3);
  expect(await page.evaluate(() => window.faas.invocations('sum').map((i) => i.result))).toEqual([42, 42]);
  expect(await page.evaluate(() => window.faas.functions())).toEqual([]);
  await showPanel(page, 'Console');
  await expect(panel(page, 'Console')).toContainText('fib');
  await screenshot(page, testInfo, 'persistence-restored');

  // The other function keeps its own inputs.
  await functionRow(page, 'sum').getByRole('button', { name: /^sum/ }).click();
  await showPanel(page, 'Run');
  await expect(runForm(page, 'sum').getByLabel('a (i32)')).toHaveValue('40');
  await expectNoPageErrors(errors);
});

test('the platform worker writes the history: the page adds no record itself, and a reload finds them all', async ({
  page,
}) => {
  // Counts the writes this page makes to the history store itself (the worker's are not seen here).
  await page.addInitScript(() => {
    (window as unknown as { pageHistoryAdds: number }).pageHistoryAdds = 0;
    for (const method of ['add', 'put'] as const) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (
        this: IDBObjectStore,
        ...args: Parameters<typeof original>
      ) {
        if (this.name === 'historyBatches')
          (window as unknown as { pageHistoryAdds: number }).pageHistoryAdds++;
        return original.apply(this, args);
      };
    }
  });
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await openPlayground(page, '/?sample=sum');
  await showPanel(page, 'Run');
  await runFromPanel(page); // deploys sum
  await waitForInvocation(page, 'sum', 1);
  await page.evaluate(async () => {
    for (let i = 0; i < 49; i++) await window.faas.invoke('sum', [i, 1]);
    await Promise.all(Array.from({ length: 200 }, (_, i) => window.faas.invoke('sum', [i, 2])));
  });
  await waitForSaved(page, (s) => s.history === 250);
  expect(await page.evaluate(() => (window as unknown as { pageHistoryAdds: number }).pageHistoryAdds)).toBe(
    0,
  );
  expect(warnings.filter((w) => /could not save the history/.test(w))).toEqual([]);

  await page.reload();
  await waitForEditor(page);
  const back = await page.evaluate(() => window.faas.invocations('sum').map((i) => i.result));
  expect(back).toHaveLength(250);
  expect(back.slice(1, 4)).toEqual([1, 2, 3]);
});

test('Clear in the Console clears the stored history too', async ({ page }, testInfo) => {
  await openPlayground(page, '/?sample=sum');
  await showPanel(page, 'Run');
  await runFromPanel(page);
  await waitForInvocation(page, 'sum', 1);
  await waitForSaved(page, (s) => s.history === 1);

  const consolePanel = await showPanel(page, 'Console');
  await consolePanel.getByRole('button', { name: 'Clear', exact: true }).click();
  await waitForSaved(page, (s) => s.history === 0);
  await page.reload();
  await waitForEditor(page);
  expect(await page.evaluate(() => window.faas.invocations().length)).toBe(0);
  await screenshot(page, testInfo, 'persistence-cleared');
});

test('a damaged saved workspace is reported, not wiped', async ({ page }, testInfo) => {
  await openPlayground(page, '/?sample=sum');
  await waitForSaved(page, (s) => s.functions.length === 1);
  // Damage the record behind the app's back, as a buggy extension or a disk error might.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const r = indexedDB.open('nanofaas');
        r.onsuccess = () => {
          const tx = r.result.transaction('workspace', 'readwrite');
          const store = tx.objectStore('workspace');
          const get = store.get('current');
          get.onsuccess = () => store.put({ ...get.result, workspace: { functions: 'oops' } }, 'current');
          tx.oncomplete = () => {
            r.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await page.reload();
  await waitForEditor(page);
  const notice = page.locator('.notices .notice').filter({ hasText: 'could not be read' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('kept aside');
  const backup = await page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const r = indexedDB.open('nanofaas');
        r.onsuccess = () => {
          const get = r.result.transaction('meta').objectStore('meta').get('workspace-backup');
          get.onsuccess = () => {
            r.result.close();
            resolve(get.result?.record?.workspace);
          };
        };
      }),
  );
  expect(backup).toEqual({ functions: 'oops' });
  await screenshot(page, testInfo, 'persistence-damaged');
});

test('a change right before a reload survives the browser dropping the database write (the exit journal)', async ({
  page,
}) => {
  // Chromium sometimes drops the exit record's IndexedDB write as the page goes, even committed
  // at once (about 1 in 70 reloads on a busy machine). Here it drops every one of them: the copy in
  // localStorage has to bring the change back.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = put.call(this, value, key);
      if (this.name === 'meta' && typeof key === 'string' && key.startsWith('exit-save:')) {
        sessionStorage.setItem('dropped', String(Number(sessionStorage.getItem('dropped') ?? 0) + 1));
        this.transaction.abort();
      }
      return request;
    };
  });
  await openPlayground(page);
  const text = '(module (func (export "_start") (param i32 i32) (result i32) i32.const 7))';
  await replaceEditorText(page, text);
  await page.reload();
  await waitForEditor(page);
  await expect.poll(() => editorText(page)).toBe(text);
  expect(Number(await page.evaluate(() => sessionStorage.getItem('dropped')))).toBeGreaterThan(0);
  // Taken on the start that applied it, so it is never applied twice.
  expect(
    await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('exit-save:'))),
  ).toEqual([]);
});

test('a change or a run right before a reload is not lost (saved as the page goes)', async ({ page }) => {
  await openPlayground(page);
  for (let i = 0; i < 3; i++) {
    const text = `(module (func (export "_start") (param i32 i32) (result i32) i32.const ${100 + i}))`;
    await replaceEditorText(page, text);
    await page.reload(); // well within the 300 ms autosave delay
    await waitForEditor(page);
    await expect.poll(() => editorText(page)).toBe(text);
  }
  for (let i = 1; i <= 2; i++) {
    await showPanel(page, 'Run');
    await runFromPanel(page);
    await waitForInvocation(page, 'sum', i);
    await page.reload(); // well within the 500 ms history batch
    await waitForEditor(page);
    expect(await page.evaluate(() => window.faas.invocations().length)).toBe(i);
  }
});
