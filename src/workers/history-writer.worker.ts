// The history writer: a worker of the platform worker's own that writes the page's history batches
// into IndexedDB (see history-sink.ts), so that neither the page's main thread nor the platform
// worker's scheduler spends the request per record: in the platform worker itself, the writes of
// a 20,000-call burst slowed dispatching more than they had slowed the page.
import { expose } from 'comlink';
import type { HistoryTarget } from '../platform/protocol';
import { decodeRecords, type RecordBatch } from '../platform/record-wire';
import type { Invocation } from '../platform/types';
import { idbHistorySink } from './history-sink';

const sink = idbHistorySink();
/** A batch arriving in parts (writerHistorySink hands it over HANDOVER_CHUNK records at a time). */
let staged: Invocation[] = [];

const api = {
  stage(records: RecordBatch): void {
    decodeRecords(records, (inv) => staged.push(inv));
  },
  /** Writes what was staged in one transaction; staged records are gone either way. */
  async commit(target: HistoryTarget): Promise<void> {
    const batch = staged;
    staged = [];
    await sink.append(target, batch);
  },
};

export type HistoryWriterApi = typeof api;

expose(api);
