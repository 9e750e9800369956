import { describe, expect, it } from 'vitest';
import { hasBearerToken, isLoopbackHost, newLaunchToken } from '../../../electron/server/request-guards.ts';

describe('newLaunchToken', () => {
  it('is 32 random bytes in base64url, different each launch', () => {
    const a = newLaunchToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newLaunchToken()).not.toBe(a);
  });
});

describe('hasBearerToken', () => {
  const token = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  it.each([
    [`Bearer ${token}`, true],
    [`Bearer ${token} `, true],
    [undefined, false],
    ['', false],
    [token, false],
    [`Basic ${token}`, false],
    [`bearer ${token}`, false],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(0, -1)}`, false],
    [`Bearer ${token} extra`, false],
    ['Bearer ', false],
  ])('%j → %s', (header, expected) => {
    expect(hasBearerToken(header, token)).toBe(expected);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1:4321', true],
    ['localhost:4321', true],
    ['LOCALHOST:4321', true],
    [undefined, false],
    ['127.0.0.1', false],
    ['127.0.0.1:4322', false],
    ['evil.example:4321', false],
    ['localhost.evil.example:4321', false],
    ['127.0.0.1:4321.evil.example', false],
    ['[::1]:4321', false],
  ])('%j → %s', (host, expected) => {
    expect(isLoopbackHost(host, 4321)).toBe(expected);
  });
});
