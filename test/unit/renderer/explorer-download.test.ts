import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportResult } from '../../../electron/shared/domain.ts';
import { downloadExport, exportUrl } from '../../../renderer/src/api/download.ts';

const RESULT: ExportResult = {
  fileName: 'usage by meter 2024-05.csv', path: '/home/op/.stackmeter/exports/usage by meter 2024-05.csv', rows: 42,
  bytes: 5120,
};

/** Records the links the code clicks (happy-dom does not download anything). */
function watchDownloads() {
  const clicked: { href: string; download: string; attached: boolean }[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.href, download: this.download, attached: document.body.contains(this) });
  });
  const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:stackmeter/export-1');
  const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  return { clicked, created, revoked };
}

describe('downloading an export in browser mode', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fetches the file with the launch token and saves it under its own name', async () => {
    const { clicked, created, revoked } = watchDownloads();
    const fetch = vi.fn(async () => new Response('Meter,Records\nBase VM size hours,42\n', { status: 200 }));

    await downloadExport(RESULT, { fetch, token: 'launch-token' });

    expect(fetch).toHaveBeenCalledWith('/api/exports/usage%20by%20meter%202024-05.csv',
      { headers: { Authorization: 'Bearer launch-token' } });
    const blob = created.mock.calls[0]![0] as Blob;
    expect(await blob.text()).toBe('Meter,Records\nBase VM size hours,42\n');
    expect(clicked).toEqual([{ href: 'blob:stackmeter/export-1', download: RESULT.fileName, attached: true }]);
    expect(document.querySelector('a[download]')).toBeNull();
    await vi.waitFor(() => expect(revoked).toHaveBeenCalledWith('blob:stackmeter/export-1'));
  });

  it('says where the file is when the server refuses it', async () => {
    const { clicked } = watchDownloads();
    const fetch = vi.fn(async () => new Response('', { status: 401 }));
    await expect(downloadExport(RESULT, { fetch, token: 'stale' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: `The server answered HTTP 401 when downloading ${RESULT.fileName}; the file is at ${RESULT.path}.`,
    });
    expect(clicked).toEqual([]);
  });

  it('says the server cannot be reached, and where the file is', async () => {
    watchDownloads();
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(downloadExport(RESULT, { fetch, token: 'x' })).rejects.toMatchObject({ code: 'NETWORK' });
    await expect(downloadExport(RESULT, { fetch, token: 'x' })).rejects.toThrow(RESULT.path);
  });

  it('escapes the file name into one path segment', () => {
    expect(exportUrl('a/../b?.csv')).toBe('/api/exports/a%2F..%2Fb%3F.csv');
  });
});

describe('exporting from the explorer in browser mode', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });

  it('asks the server to write the file, then downloads it with the same token', async () => {
    window.history.replaceState(null, '', '/#token=tab-token');
    const requests: { url: string; authorization: string | null; body: unknown }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      requests.push({ url, authorization: headers.get('Authorization'),
        body: init.body ? JSON.parse(String(init.body)) : null });
      if (url === '/api/usage:export') return Response.json({ ok: true, value: RESULT });
      return new Response('Meter,Records\n', { status: 200 });
    }));
    const { clicked } = watchDownloads();
    vi.resetModules();
    const { launch } = await import('../../../renderer/src/api/client.ts');
    const { useExplorerStore } = await import('../../../renderer/src/stores/explorer.ts');
    expect(launch().mode).toBe('browser');

    const store = useExplorerStore();
    store.select('service', ['Compute']);
    const { downloaded } = await store.exportAs('csv');

    expect(downloaded).toBe(true);
    expect(requests).toEqual([
      {
        url: '/api/usage:export', authorization: 'Bearer tab-token',
        body: { args: [{ filter: { services: ['Compute'] }, groupBy: ['meter'] }, 'csv'] },
      },
      { url: '/api/exports/usage%20by%20meter%202024-05.csv', authorization: 'Bearer tab-token', body: null },
    ]);
    expect(clicked.map((c) => c.download)).toEqual([RESULT.fileName]);
  });
});
