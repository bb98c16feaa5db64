/** Something that holds resources (a database, a socket, a timer) until disposed. */
export type Disposer = () => void | Promise<void>;

export interface Lifecycle {
  /** Registers a disposer; disposers run in reverse order of registration. */
  add(name: string, dispose: Disposer): void;
  /** Runs every disposer once, last registered first; collects errors and throws them together. */
  dispose(): Promise<void>;
  readonly disposed: boolean;
}

export function createLifecycle(): Lifecycle {
  const entries: Array<{ name: string; dispose: Disposer }> = [];
  let disposed = false;
  return {
    add(name, dispose) {
      if (disposed) throw new Error(`cannot register ${name}: already disposed`);
      entries.push({ name, dispose });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      const errors: unknown[] = [];
      for (const entry of entries.splice(0).reverse()) {
        try {
          await entry.dispose();
        } catch (error) {
          errors.push(new Error(`disposing ${entry.name} failed`, { cause: error }));
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'some resources failed to close');
    },
    get disposed() {
      return disposed;
    },
  };
}
