// The platform worker's side of history persistence: the page's history recorder decides what to
// save and when (batches, exit records, clearing); this writes each batch into the page's
// IndexedDB history store from here, so that one structured clone and one request per record
// stay off the page's main thread (47 % of it during a 20,000-call burst, bench/profile.mjs).
import type { HistorySink, HistoryTarget } from '../platform/protocol';
import { openStore, type WorkspaceStore } from '../workspace/store';

export function idbHistorySink(): HistorySink {
  let opened: { name: string; store: Promise<WorkspaceStore> } | null = null;
  const open = (target: HistoryTarget): Promise<WorkspaceStore> => {
    if (opened?.name !== target.name) {
      const store = openStore({
        name: target.name,
        historyLimit: target.historyLimit,
        recoverExitSaves: false,
        // Another tab upgrades the database: this connection has closed; open again next time.
        onVersionChange: () => {
          if (opened?.store === store) opened = null;
        },
      });
      opened = { name: target.name, store };
      // A failed open is tried again with the next batch.
      store.catch(() => {
        if (opened?.store === store) opened = null;
      });
    }
    return opened.store;
  };
  return {
    async append(target, invocations) {
      const store = await open(target);
      if (store.historyLimit !== target.historyLimit) await store.setHistoryLimit(target.historyLimit);
      await store.appendHistory(invocations);
    },
  };
}
