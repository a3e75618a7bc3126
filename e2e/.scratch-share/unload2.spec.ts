import { test } from '@playwright/test';
import { runFromPanel, showPanel } from '../support/panels';
import { openPlayground, waitForEditor, waitForInvocation } from '../support/playground';
import { stored } from '../support/share';

test('runs then reload', async ({ page }) => {
  page.on('console', (m) => console.log('PAGE', m.type(), m.text()));
  await openPlayground(page);
  for (let i = 1; i <= 4; i++) {
    await showPanel(page, 'Run');
    await runFromPanel(page);
    await waitForInvocation(page, 'sum', i);
    const s = await stored(page);
    console.log('before reload', i, 'stored history', s?.history, 'rev', s?.revision);
    await page.reload();
    await waitForEditor(page);
    const s2 = await stored(page);
    console.log('after reload', i, 'platform', await page.evaluate(() => window.faas.invocations().length), 'stored', s2?.history, 'rev', s2?.revision);
  }
});
