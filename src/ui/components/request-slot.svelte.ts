// A request to a panel from outside it (a lesson's button): the panel fills in its own form from
// the request and presses its own button, so the work goes through the panel's code, and the
// poster learns when it is done.
export interface PanelRequest<T> {
  value: T;
  done: () => void;
}

export class RequestSlot<T> {
  pending = $state.raw<PanelRequest<T> | null>(null);

  /** Resolves when the panel has finished the request (or given it up). */
  post(value: T): Promise<void> {
    this.pending?.done();
    return new Promise((resolve) => (this.pending = { value, done: resolve }));
  }

  /** The panel takes the request; it must call done() once it is finished with it. */
  take(): PanelRequest<T> | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }
}
