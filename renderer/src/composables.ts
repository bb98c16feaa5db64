/** Small composables shared by views. */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

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

/** True while the system asks for dark colours (`prefers-color-scheme`), kept current. */
export function usePrefersDark(): Ref<boolean> {
  const query =
    typeof window.matchMedia === 'function'
      ? window.matchMedia('(prefers-color-scheme: dark)')
      : null;
  const dark = ref(query?.matches ?? false);
  const update = (event: MediaQueryListEvent): void => {
    dark.value = event.matches;
  };
  onMounted(() => query?.addEventListener('change', update));
  onBeforeUnmount(() => query?.removeEventListener('change', update));
  return dark;
}

/** The current value of a CSS custom property of the page (a design token). */
export function cssToken(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
