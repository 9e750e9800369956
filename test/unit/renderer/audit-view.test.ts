import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { AuditEntry } from '../../../electron/shared/rating.ts';
import { detailsText, verificationText } from '../../../renderer/src/stores/audit.ts';
import AuditView from '../../../renderer/src/views/AuditView.vue';
import { FakeBridge } from './fake-bridge.ts';

describe('what the chain check says', () => {
  it('intact with the number of entries, or broken at an entry with the problem', () => {
    expect(verificationText({ intact: true, entries: 1234, brokenAt: null, problem: null }))
      .toEqual({ ok: true, text: 'Intact (1,234 entries)' });
    expect(verificationText({ intact: true, entries: 1, brokenAt: null, problem: null }).text).toBe('Intact (1 entry)');
    expect(verificationText({ intact: false, entries: 18, brokenAt: 7, problem: 'its hash does not match its content' }))
      .toEqual({ ok: false, text: 'Broken at entry #7: its hash does not match its content (18 entries checked)' });
  });

  it('writes an entry\'s details as one line', () => {
    expect(detailsText({ version: 2, sha256: 'ab' })).toBe('{"version":2,"sha256":"ab"}');
    expect(detailsText(null)).toBe('');
  });
});

const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const entry = (seq: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  seq, at: `2026-11-0${seq}T10:00:00Z`, user: 'operator', action: 'rate-card.publish', subject: 'rate-card:standard',
  reason: 'Prices for 2026', details: { version: seq }, prevHash: String(seq - 1).repeat(64).slice(0, 64),
  hash: String(seq).repeat(64).slice(0, 64), ...over,
});

describe('the Audit log view', () => {
  const mounted: { unmount(): void }[] = [];

  beforeEach(() => {
    bridge.calls.length = 0;
    bridge.handlers = {
      'audit:list': (offset) => ({ rows: [entry(3), entry(2), entry(1, { reason: null, action: 'rate-card.create' })]
        .slice(offset), total: 3 }),
    };
  });

  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
    document.body.innerHTML = '';
  });

  async function mountView() {
    const pinia = createPinia();
    setActivePinia(pinia);
    const plugins = [PrimeVue, ToastService] as unknown as Plugin[];
    const wrapper = mount(AuditView, { global: { plugins: [pinia, ...plugins] }, attachTo: document.body });
    mounted.push(wrapper);
    await vi.waitFor(() => expect(wrapper.find('[data-testid="audit-count"]').text()).toBe('3 entries'));
    return wrapper;
  }

  it('lists the entries newest first with the hash shortened and whole in its tooltip', async () => {
    await mountView();
    expect(bridge.callsOf('audit:list')[0]).toEqual([0, 200]);
    const first = document.querySelector('[data-testid="audit-grid"] .ag-row[row-index="0"]')!;
    expect(first.querySelector('[col-id="seq"]')?.textContent).toBe('3');
    expect(first.querySelector('[col-id="reason"]')?.textContent).toBe('Prices for 2026');
    expect(first.querySelector('[col-id="hash"]')?.textContent).toBe('333333333333');
    expect(first.querySelector('[col-id="hash"]')?.getAttribute('title')).toContain('3'.repeat(64));
  });

  it('shows an intact chain in green', async () => {
    bridge.handlers['audit:verify'] = () => ({ intact: true, entries: 3, brokenAt: null, problem: null });
    const wrapper = await mountView();
    await wrapper.find('[data-testid="audit-verify"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-testid="audit-verdict"]').text()).toBe('Intact (3 entries)'));
    expect(wrapper.find('[data-testid="audit-verdict"]').classes()).toContain('ok');
  });

  it('shows a broken chain in red with the entry and the problem', async () => {
    bridge.handlers['audit:verify'] = () => ({ intact: false, entries: 3, brokenAt: 2,
      problem: 'its previous hash is not the hash of entry 1' });
    const wrapper = await mountView();
    await wrapper.find('[data-testid="audit-verify"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-testid="audit-verdict"]').text())
      .toBe('Broken at entry #2: its previous hash is not the hash of entry 1 (3 entries checked)'));
    expect(wrapper.find('[data-testid="audit-verdict"]').classes()).toContain('broken');
  });

  it('says why the check could not run', async () => {
    bridge.handlers['audit:verify'] = () => {
      throw new Error('database is locked');
    };
    const wrapper = await mountView();
    await wrapper.find('[data-testid="audit-verify"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-testid="audit-verify-error"]').text())
      .toBe('Unexpected error: database is locked'));
    expect(wrapper.find('[data-testid="audit-verdict"]').exists()).toBe(false);
  });
});
