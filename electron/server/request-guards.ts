import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh launch token: 32 random bytes, URL-safe so it can travel in the launch URL's fragment. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * True when the Authorization header carries exactly `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the guess.
 */
export function hasBearerToken(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const match = /^Bearer ([^\s]+)$/.exec(authorization.trim());
  if (!match) return false;
  return timingSafeEqual(sha256(match[1]), sha256(token));
}

/**
 * DNS-rebinding guard: a page on evil.example whose name was re-pointed at 127.0.0.1 still sends `Host: evil.example`,
 * so only the loopback names of our own port are accepted.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const normalised = host.toLowerCase();
  return normalised === `127.0.0.1:${port}` || normalised === `localhost:${port}`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
