import { afterEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';

/** Each case loads the client module afresh: the launch mode is decided once per page load. */
async function freshClient() {
  vi.resetModules();
  return import('../../../renderer/src/api/client.ts');
}

describe('launch', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>)[BRIDGE_KEY];
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });

  it('uses browser mode with the token from the launch URL, and takes the token out of the address bar', async () => {
    window.history.replaceState(null, '', '/#token=launch-token');
    const { launch } = await freshClient();
    expect(launch().mode).toBe('browser');
    expect(window.location.hash).toBe('');
  });

  it('without a bridge or a token, every call says how to open the console', async () => {
    const { api, launch, MISSING_TOKEN_MESSAGE } = await freshClient();
    expect(launch().mode).toBe('missing-token');
    await expect(api['overview:get']()).rejects.toMatchObject({ code: 'FORBIDDEN', message: MISSING_TOKEN_MESSAGE });
    expect(MISSING_TOKEN_MESSAGE).toContain('Open the address printed by `stackmeter serve`');
  });
});
