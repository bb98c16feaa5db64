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

/** The colours and font charts draw with: the design tokens, read again when dark switches. */
export function useChartColors() {
  const dark = usePrefersDark();
  return computed(() => {
    void dark.value;
    return {
      text: cssToken('--color-text') || '#1a1f26',
      muted: cssToken('--color-text-muted') || '#56606d',
      border: cssToken('--color-border') || '#dde1e7',
      surface: cssToken('--color-surface') || '#ffffff',
      accent: cssToken('--color-accent') || '#1d5fc4',
      danger: cssToken('--color-danger') || '#b42318',
      warning: cssToken('--color-warning') || '#9a5b00',
      success: cssToken('--color-success') || '#137a48',
      font: cssToken('--font-ui') || 'system-ui, sans-serif',
    };
  });
}
