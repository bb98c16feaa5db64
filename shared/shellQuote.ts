/** A word quoted for a POSIX shell when it needs it, for commands we suggest to the user. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
