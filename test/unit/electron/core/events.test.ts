import { describe, expect, it } from 'vitest';

import { createEventBus } from '../../../../electron/core/events';
import type { EventMessage } from '../../../../shared/api';

describe('the event bus', () => {
  it('delivers to every listener, but counts only transports as watching', () => {
    const bus = createEventBus(() => undefined);
    const received: string[] = [];
    const follower = bus.subscribe(
      (message: EventMessage) => received.push(`app ${message.name}`),
      {
        internal: true,
      },
    );
    expect(bus.transportCount).toBe(0);
    const window = bus.subscribe((message: EventMessage) =>
      received.push(`window ${message.name}`),
    );
    expect([bus.listenerCount, bus.transportCount]).toEqual([2, 1]);

    bus.emit('vendors.onDidChange', { vendor: null, reason: 'authorities' });
    expect(received).toEqual(['app vendors.onDidChange', 'window vendors.onDidChange']);

    window();
    expect([bus.listenerCount, bus.transportCount]).toEqual([1, 0]);
    follower();
    expect([bus.listenerCount, bus.transportCount]).toEqual([0, 0]);
  });
});
