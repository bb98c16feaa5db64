/**
 * The only way the app opens a link outside itself.
 *
 * Threat: a page (or content it shows, such as a vendor's annotation) asking the OS to
 * open `file:`, `smb:`, `javascript:` or custom-protocol URLs, which can run programs.
 * Only http and https links to a real host, without embedded credentials, are passed on.
 * Lint bans `shell.openExternal` everywhere else.
 */
export function isSafeExternalUrl(text: unknown): boolean {
  if (typeof text !== 'string' || text.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === ''
  );
}

export interface ExternalOpener {
  openExternal(url: string): Promise<void>;
}

/** Opens the link with the OS if it is safe; returns whether it did. */
export async function safeOpenExternal(shell: ExternalOpener, url: unknown): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  await shell.openExternal(url as string);
  return true;
}
