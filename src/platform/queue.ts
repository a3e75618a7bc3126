/** FIFO queue with O(1) push, shift and unshift; the pool's wait line. */
export class Deque<T> {
  private buf: (T | undefined)[] = new Array(16);
  private head = 0;
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(item: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) % this.buf.length] = item;
    this.n++;
  }

  unshift(item: T): void {
    if (this.n === this.buf.length) this.grow();
    this.head = (this.head - 1 + this.buf.length) % this.buf.length;
    this.buf[this.head] = item;
    this.n++;
  }

  peek(): T | undefined {
    return this.n === 0 ? undefined : this.buf[this.head];
  }

  /** Removes the newest item. */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const i = (this.head + this.n - 1) % this.buf.length;
    const item = this.buf[i];
    this.buf[i] = undefined;
    this.n--;
    return item;
  }

  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.n--;
    return item;
  }

  /** Removes the first item matching `pred`; O(n), used only for user-initiated stops. */
  remove(pred: (item: T) => boolean): T | undefined {
    const items = this.drain();
    let found: T | undefined;
    for (const item of items) {
      if (found === undefined && pred(item)) found = item;
      else this.push(item);
    }
    return found;
  }

  drain(): T[] {
    const out: T[] = [];
    while (this.n > 0) out.push(this.shift() as T);
    return out;
  }

  private grow(): void {
    const next: (T | undefined)[] = new Array(this.buf.length * 2);
    for (let i = 0; i < this.n; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = next;
    this.head = 0;
  }
}
