/**
 * The colour theme: the system's (default), or light or dark as chosen in Settings. The
 * choice is kept in this browser's local storage (a display preference, not workspace
 * data); the page's `data-theme` attribute selects the palette (styles/main.css).
 */
import { readonly, ref } from 'vue';

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

const STORAGE_KEY = 'trust-auditor.theme';

const state = ref<{ choice: ThemeChoice; dark: boolean }>({ choice: 'system', dark: false });
let systemQuery: MediaQueryList | null = null;

function systemDark(): boolean {
  return systemQuery?.matches ?? false;
}

function apply(): void {
  const { choice } = state.value;
  const dark = choice === 'dark' || (choice === 'system' && systemDark());
  state.value = { choice, dark };
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

function stored(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return (THEMES as readonly string[]).includes(value ?? '') ? (value as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Applies the stored choice and follows the system's changes; main.ts calls it once. */
export function startTheme(): void {
  systemQuery =
    typeof window.matchMedia === 'function'
      ? window.matchMedia('(prefers-color-scheme: dark)')
      : null;
  systemQuery?.addEventListener('change', apply);
  state.value = { choice: stored(), dark: false };
  apply();
}

/** Chooses a theme, applies it at once and remembers it in this browser. */
export function chooseTheme(choice: ThemeChoice): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Storage refused (private mode): the choice holds until the page closes.
  }
  state.value = { ...state.value, choice };
  apply();
}

/** The current choice and whether dark colours show, for views and charts. */
export const theme = readonly(state);
