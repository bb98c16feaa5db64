import type { CliContext } from './context';
import { sanitizeForTerminal } from './terminalText';

/** Redraws at most this often, and always at the end. */
const REDRAW_MS = 100;
const WIDTH = 30;

export interface ProgressBar<P> {
  update(progress: P): void;
  /** Clears the bar (call before printing the outcome). */
  done(): void;
}

/**
 * The one progress bar of the CLI: a line on stderr redrawn in place, only when stderr is
 * a terminal (scripts and `--json` users see nothing). `describe` turns a progress event
 * into a fraction, a prefix and a label (`PREFIX [####....] LABEL`), made safe for the
 * terminal (they may hold a vendor's or a bundle's names).
 */
export function progressBar<P>(
  context: CliContext,
  describe: (progress: P) => { fraction: number; prefix?: string; label: string; final?: boolean },
): ProgressBar<P> {
  if (!context.io.stderrIsTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(progress) {
      const { fraction, prefix, label, final } = describe(progress);
      const now = Date.now();
      if (now - last < REDRAW_MS && final !== true) return;
      last = now;
      const ratio = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
      const filled = Math.round(ratio * WIDTH);
      context.io.stderr(
        `\r\u001b[K${sanitizeForTerminal(prefix === undefined ? '' : `${prefix} `)}[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${sanitizeForTerminal(label)}`,
      );
      drawn = true;
    },
    done() {
      if (drawn) context.io.stderr('\r\u001b[K');
      drawn = false;
    },
  };
}
