/**
 * Text from outside (vendors, bundles, XMPP messages, files) must never reach a terminal
 * raw (DESIGN "Security model"): an ESC sequence can retitle the window, write the
 * clipboard (OSC 52), clear the screen or fake output, and bidirectional overrides can
 * make a line read differently from what it holds. Human output goes through
 * {@link sanitizeForTerminal}; `--json` through {@link jsonForTerminal}, which keeps the
 * document exact (the same value once parsed) while escaping what JSON leaves raw.
 */

/** C0 controls except tab and newline, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidirectional embeddings, overrides and isolates, and the line/paragraph separators. */
const INVISIBLE_LAYOUT = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** Replaces every control and layout character with a visible `\xHH` / `\uHHHH` escape. */
export function sanitizeForTerminal(text: string): string {
  return text
    .replace(CONTROLS, (char) => `\\x${hex(char, 2)}`)
    .replace(INVISIBLE_LAYOUT, (char) => `\\u${hex(char, 4)}`);
}

/**
 * JSON (pretty, or on one line with `indent` 0) whose C1 controls, DEL and layout
 * characters are `\uHHHH` escapes.
 */
export function jsonForTerminal(value: unknown, indent = 2): string {
  // JSON.stringify escapes C0 itself; the rest is escaped here, inside strings only
  // (these characters cannot occur outside strings in JSON text).
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (char) => `\\u${hex(char, 4)}`,
  );
}

function hex(char: string, width: number): string {
  return char.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');
}
