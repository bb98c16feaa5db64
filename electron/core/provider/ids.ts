import { randomBytes } from 'node:crypto';

/** A new CTP identifier (CTP 4.1.3): 16 random bytes in base64url (22 characters). */
export function newCtpId(): string {
  return randomBytes(16).toString('base64url');
}
