/** One event subscription shared by every view that follows a store (pure, no Vue). */
import type { Unsubscribe } from '../../../shared/api';

/**
 * Returns `follow()`: the first follower subscribes, the last one to stop unsubscribes
 * (and so closes the headless event stream when no view needs it). Each stop function
 * works once.
 */
export function sharedSubscription(subscribe: () => Unsubscribe): () => () => void {
  let unsubscribe: Unsubscribe | null = null;
  let followers = 0;
  return () => {
    followers++;
    if (followers === 1) unsubscribe = subscribe();
    let following = true;
    return () => {
      if (!following) return;
      following = false;
      followers--;
      if (followers === 0) {
        unsubscribe?.();
        unsubscribe = null;
      }
    };
  };
}
