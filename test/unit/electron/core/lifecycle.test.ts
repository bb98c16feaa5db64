import { describe, expect, it } from 'vitest';

import { createLifecycle } from '../../../../electron/core/lifecycle';

describe('lifecycle', () => {
  it('disposes in reverse order, once', async () => {
    const order: string[] = [];
    const lifecycle = createLifecycle();
    lifecycle.add('database', () => void order.push('database'));
    lifecycle.add('server', async () => void order.push('server'));
    lifecycle.add('timer', () => void order.push('timer'));
    await lifecycle.dispose();
    await lifecycle.dispose();
    expect(order).toEqual(['timer', 'server', 'database']);
    expect(lifecycle.disposed).toBe(true);
  });

  it('keeps disposing after a failure and reports every failure', async () => {
    const order: string[] = [];
    const lifecycle = createLifecycle();
    lifecycle.add('first', () => void order.push('first'));
    lifecycle.add('broken', () => {
      throw new Error('boom');
    });
    lifecycle.add('last', () => void order.push('last'));
    await expect(lifecycle.dispose()).rejects.toThrow(AggregateError);
    expect(order).toEqual(['last', 'first']);
  });

  it('refuses new resources once disposed', async () => {
    const lifecycle = createLifecycle();
    await lifecycle.dispose();
    expect(() => lifecycle.add('late', () => undefined)).toThrow(/already disposed/);
  });
});
