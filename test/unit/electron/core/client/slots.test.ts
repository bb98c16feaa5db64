import { describe, expect, it } from 'vitest';

import { Slots } from '../../../../../electron/core/client/slots';

describe('slots', () => {
  it('lets `size` holders in at once and passes each freed slot to the first waiter', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    await slots.acquire();
    await slots.acquire();
    expect(slots.idle).toBe(false);
    const third = slots.acquire().then(() => order.push('third'));
    const fourth = slots.acquire().then(() => order.push('fourth'));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await third;
    expect(order).toEqual(['third']);
    slots.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    slots.release();
    slots.release();
    expect(slots.idle).toBe(true);
  });
});
