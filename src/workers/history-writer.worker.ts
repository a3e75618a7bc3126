// The history writer: a worker of the platform worker's own that writes the page's history batches
// into IndexedDB (see history-sink.ts), so that neither the page's main thread nor the platform
// worker's scheduler spends the request per record: in the platform worker itself, the writes of
// a 20,000-call burst slowed dispatching more than they had slowed the page.
import { expose } from 'comlink';
import { idbHistorySink } from './history-sink';

const sink = idbHistorySink();

const api = {
  append: sink.append,
};

export type HistoryWriterApi = typeof api;

expose(api);
