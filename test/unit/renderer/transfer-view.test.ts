import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import type { BundleCheckRow, BundleImportResult, BundleVerification } from '../../../electron/shared/bundles.ts';
import { BRIDGE_KEY, type PickedFile } from '../../../electron/shared/contract.ts';
import { monthPeriod, previousMonth, sameFingerprint } from '../../../renderer/src/stores/transfer.ts';
import TransferView from '../../../renderer/src/views/TransferView.vue';
import { FakeBridge } from './fake-bridge.ts';

const FINGERPRINT = '4637a41841f8890e5d91769d54fbeca4629104231b11d68c2648811cabdc1fe5';
const PICKED: PickedFile = { fileRef: `file-${'ab'.repeat(16)}`, name: 'october.smb', bytes: 4096 };

const check = (name: string, ok = true, subject = 'october.smb'): BundleCheckRow =>
  ({ check: name, subject, ok, detail: `${name} ${ok ? 'passed' : 'failed'}.` });

function report(checks: BundleCheckRow[]): BundleVerification {
  return {
    ok: checks.every((c) => c.ok), fileName: 'october.smb',
    manifest: {
      createdAt: '2026-11-02T08:30:00.000Z', stamps: ['lab'], period: { from: '2026-10-01', to: '2026-11-01' },
      entries: [],
    },
    signer: { fingerprint: FINGERPRINT, shortFingerprint: '4637:a418:41f8:890e', trustedAs: null, own: false },
    checks,
  };
}

const imported: BundleImportResult = {
  fileName: 'october.smb', signer: { fingerprint: FINGERPRINT, shortFingerprint: '4637:a418:41f8:890e', name: 'Key' },
  manifestSha256: 'c'.repeat(64), period: { from: '2026-10-01', to: '2026-11-01' }, stamps: ['lab'], newlyTrusted: true,
  counts: [{ what: 'usage records', added: 1200, present: 3, other: 0, otherLabel: 'quantity updated' }],
};

/** The desktop app's bridge, with the file dialog the Transfer view's chooser uses when it is there. */
class PickingBridge extends FakeBridge {
  picked: PickedFile | null = PICKED;
  async pickFile(): Promise<PickedFile | null> {
    return this.picked;
  }
}

const bridge = new PickingBridge();
const plugins = [PrimeVue] as unknown as Plugin[];

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

describe('transfer helpers', () => {
  it('picks last month, its period, and compares fingerprints as people type them', () => {
    expect(previousMonth(new Date('2026-01-15T00:00:00Z'))).toBe('2025-12');
    expect(monthPeriod('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(sameFingerprint(FINGERPRINT.toUpperCase().match(/.{4}/g)!.join(':'), FINGERPRINT)).toBe(true);
    expect(sameFingerprint(FINGERPRINT.slice(1), FINGERPRINT)).toBe(false);
  });
});

describe('the Transfer view', () => {
  const mounted: { unmount(): void }[] = [];
  let verification: BundleVerification;

  beforeEach(() => {
    bridge.calls.length = 0;
    bridge.picked = PICKED;
    bridge.handlers = {
      'bundles:key': () => ({ fingerprint: FINGERPRINT, shortFingerprint: '4637:a418:41f8:890e',
        createdAt: '2026-11-01T00:00:00Z', protection: 'passphrase' }),
      'connections:list': () => [],
      'bundles:verify': () => verification,
      'bundles:import': () => imported,
    };
  });

  afterEach(() => {
    mounted.splice(0).forEach((w) => w.unmount());
    document.body.innerHTML = '';
  });

  async function mountView(): Promise<void> {
    const pinia = createPinia();
    setActivePinia(pinia);
    mounted.push(mount(TransferView, { global: { plugins: [pinia, ...plugins] }, attachTo: document.body }));
    await vi.waitFor(() => expect(el('transfer-key-short')?.textContent).toBe('4637:a418:41f8:890e'));
  }

  const el = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

  async function open(): Promise<void> {
    el('transfer-open-button')!.click();
    await vi.waitFor(() => expect(el('transfer-verdict')).not.toBeNull());
  }

  it('shows a tampered bundle\'s failing check in red and offers no import', async () => {
    verification = report([check('header'), check('signature', true, 'signature.bin'),
      check('sha256', false, 'usage.ndjson'), check('audit-chain', true, 'audit.ndjson')]);
    await mountView();
    await open();
    expect(bridge.callsOf('bundles:verify')).toEqual([[PICKED.fileRef]]);
    expect(el('transfer-verdict')!.textContent).toContain('Refused: usage.ndjson failed the sha256 check.');
    expect(el('bundle-check-sha256')!.classList.contains('failed')).toBe(true);
    expect(el('bundle-check-sha256')!.textContent).toContain('ask the sender for the bundle again');
    expect(el('transfer-import-button')).toBeNull();
  });

  it('imports from an untrusted key only once its fingerprint is typed, and shows the counts', async () => {
    verification = report([check('header'), check('trusted-key', false, '4637:a418:41f8:890e'), check('audit-chain')]);
    await mountView();
    await open();
    expect(el('transfer-verdict')!.textContent).toContain('does not trust yet');
    const button = () => el('transfer-import-button')!.querySelector('button') ?? el('transfer-import-button')!;
    expect((button() as HTMLButtonElement).disabled).toBe(true);
    const input = el('transfer-trust-input') as HTMLInputElement;
    input.value = FINGERPRINT.slice(0, 30);
    input.dispatchEvent(new Event('input'));
    await flushPromises();
    expect((button() as HTMLButtonElement).disabled).toBe(true);
    input.value = FINGERPRINT.toUpperCase();
    input.dispatchEvent(new Event('input'));
    await flushPromises();
    expect((button() as HTMLButtonElement).disabled).toBe(false);
    button().click();
    await vi.waitFor(() => expect(el('transfer-imported')).not.toBeNull());
    expect(bridge.callsOf('bundles:import')).toEqual([[PICKED.fileRef, FINGERPRINT.toUpperCase()]]);
    expect(el('bundle-import-usage-records')!.textContent).toMatch(/usage records\s*1,200\s*3/);
  });

  it('shows a progress bar while importing, real once progress events arrive, with the buttons disabled', async () => {
    verification = report([check('header'), check('audit-chain')]);
    let finish: (result: BundleImportResult) => void = () => undefined;
    const pending = new Promise<BundleImportResult>((resolve) => { finish = resolve; });
    // An import that takes its time: the bridge awaits what a handler returns.
    bridge.handlers['bundles:import'] = (() => pending) as unknown as () => BundleImportResult;
    await mountView();
    await open();
    const button = (id: string) => (el(id)!.querySelector('button') ?? el(id)!) as HTMLButtonElement;
    expect(el('bundle-progress')).toBeNull();
    button('transfer-import-button').click();
    await vi.waitFor(() => expect(el('bundle-progress')).not.toBeNull());
    expect(el('bundle-progress')!.textContent).toContain('Importing 4 KiB…');
    const bar = () => el('bundle-progress-bar')!;
    expect(bar().getAttribute('aria-valuenow')).toBeNull();
    for (const id of ['transfer-export-button', 'transfer-open-button', 'transfer-import-button',
      'transfer-usage-button']) {
      expect(button(id).disabled, id).toBe(true);
    }
    const progress = { operation: 'import', fileName: 'october.smb', phase: 'importing', done: 3, total: 4,
      unit: 'chunks', percent: 75 } as const;
    bridge.emit('bundles:progress', { ...progress, fileName: 'another.smb', percent: 10 });
    await flushPromises();
    expect(bar().getAttribute('aria-valuenow')).toBeNull();
    bridge.emit('bundles:progress', progress);
    await flushPromises();
    expect(bar().getAttribute('aria-valuenow')).toBe('75');
    expect(el('bundle-progress-detail')!.textContent).toContain('importing: 3 of 4 usage chunks');
    finish(imported);
    await vi.waitFor(() => expect(el('transfer-imported')).not.toBeNull());
    expect(el('bundle-progress')).toBeNull();
    expect(button('transfer-open-button').disabled).toBe(false);
  });

  it('does nothing when the file dialog is cancelled', async () => {
    bridge.picked = null;
    await mountView();
    el('transfer-open-button')!.click();
    await flushPromises();
    expect(bridge.callsOf('bundles:verify')).toEqual([]);
    expect(el('transfer-verdict')).toBeNull();
  });
});
