// A request to a panel from outside it (a lesson's button): the panel fills in its own form from
// the request and presses its own button, so the work goes through the panel's code, and the
// poster gets what came of it.
export interface PanelRequest<T, R> {
  value: T;
  /** The panel is finished with the request: what it produced, or null. */
  done: (result: R | null) => void;
}

export class RequestSlot<T, R = void> {
  pending = $state.raw<PanelRequest<T, R> | null>(null);

  /** Resolves when the panel has finished the request (null if it gave it up or was replaced). */
  post(value: T): Promise<R | null> {
    this.pending?.done(null);
    return new Promise((resolve) => (this.pending = { value, done: resolve }));
  }

  /** The panel takes the request; it must call done() once it is finished with it. */
  take(): PanelRequest<T, R> | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }
}
