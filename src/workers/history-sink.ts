// The platform worker's side of history persistence: the page's history recorder decides what to
// save and when (batches, exit records, clearing); the platform worker, which holds the records,
// hands each batch to its history writer (history-writer.worker.ts), which writes it into the
// page's IndexedDB history store. One structured clone and one request per record thus stay off
// the page's main thread (47 % of it during a 20,000-call burst, bench/profile.mjs) and off the
// platform worker's scheduler; handing a batch over costs one clone of it.
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { HistorySink, HistoryTarget } from '../platform/protocol';
import { encodeRecords } from '../platform/record-wire';
import { openStore, type WorkspaceStore } from '../workspace/store';
import type { HistoryWriterApi } from './history-writer.worker';

/**
 * Records handed to the writer per message. A batch of a load test at 2,000 calls/s holds 1,000:
 * cloning them in one message held the platform worker (and the load generator's timers in it)
 * for several ms; in parts, the generator's timers run between them.
 */
export const HANDOVER_CHUNK = 200;

/** A sink that passes batches to a history writer worker, started on the first batch. */
export function writerHistorySink(spawn: () => Worker): HistorySink {
  let writer: { worker: Worker; api: Remote<HistoryWriterApi> } | null = null;
  return {
    async append(target, invocations) {
      if (!writer) {
        const worker = spawn();
        writer = { worker, api: wrap<HistoryWriterApi>(worker) };
        // A writer that failed to start: start another with the next batch.
        worker.addEventListener('error', () => {
          if (writer?.worker !== worker) return;
          writer.api[releaseProxy]();
          worker.terminate();
          writer = null;
        });
      }
      const { api } = writer;
      // Packed (record-wire.ts): cloning Invocation objects cost the platform worker a structured
      // clone per record, and the writer as much again to read them.
      for (let i = 0; i < invocations.length; i += HANDOVER_CHUNK) {
        const part = invocations.slice(i, i + HANDOVER_CHUNK).map((inv) => ({ inv, memoryMiB: 0 }));
        const packed = encodeRecords(part);
        await api.stage(transfer(packed.batch, packed.transfer));
      }
      // The staged parts, in one transaction.
      await api.commit(target);
    },
  };
}

/** The writer itself: IndexedDB, in the worker it runs in. */
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
