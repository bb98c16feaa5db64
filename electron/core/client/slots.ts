/**
 * A counting semaphore: at most `size` holders at once; the others wait in order. The
 * crawl uses one for requests in flight and one for leaf walks in progress.
 */
export class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** No slot is held. */
  get idle(): boolean {
    return this.active === 0;
  }

  /** Resolves once a slot is held; give it back with {@link release}. */
  acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    // The slot passes straight from the releasing holder to the first waiter.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.active--;
    else next();
  }
}
