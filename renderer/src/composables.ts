/** Small composables shared by views. */
import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

import { theme } from './theme';

/** The current time, refreshed every `intervalMs` while the component is mounted. */
export function useNow(intervalMs = 30_000): Ref<Date> {
  const now = ref(new Date());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    timer = setInterval(() => (now.value = new Date()), intervalMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}

/** True while dark colours show (the system's choice, or the one made in Settings). */
export function usePrefersDark(): Readonly<Ref<boolean>> {
  return computed(() => theme.value.dark);
}

/** The current value of a CSS custom property of the page (a design token). */
export function cssToken(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
