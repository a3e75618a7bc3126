/** A fixed-capacity FIFO that overwrites its oldest entries: bounded history for long runs. */
export class RingBuffer<T> {
  /** Grows up to `cap` as items come (a 100,000-slot array up front cost a first visit ~70 ms). */
  private items: (T | undefined)[] = [];
  private head = 0;
  private count = 0;

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${cap}`);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Adds an item; returns the item it pushed out, if the ring was full. */
  push(item: T): T | undefined {
    const tail = (this.head + this.count) % this.cap;
    let evicted: T | undefined;
    if (this.count === this.cap) {
      evicted = this.items[this.head];
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.cap;
    } else {
      // Not full yet: head is 0 and tail is the array's length, so this appends.
      this.items[tail] = item;
      this.count++;
    }
    return evicted;
  }

  /** Oldest first. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.cap];
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.cap] as T;
  }

  toArray(): T[] {
    return [...this];
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.count = 0;
  }

  /** Changes capacity, keeping the newest items. */
  resize(cap: number): void {
    const keep = this.toArray().slice(-cap);
    this.cap = cap;
    this.clear();
    for (const item of keep) this.push(item);
  }
}
