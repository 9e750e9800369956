import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import type { ConnectionRow, SyncProgress, SyncRunRow } from '../../../electron/shared/domain.ts';
import StampCard from '../../../renderer/src/components/StampCard.vue';
import { useSyncStore } from '../../../renderer/src/stores/sync.ts';
import { connectionRow, syncProgress, syncRun } from './rows.ts';

const primeVue = PrimeVue as unknown as Plugin;
const toastService = ToastService as unknown as Plugin;

function mountCard(row: ConnectionRow, sync: { finished?: Record<string, SyncRunRow>; progress?: SyncProgress[] } = {}) {
  const progress = Object.fromEntries((sync.progress ?? []).map((p) => [p.runId, p]));
  const wrapper = mount(StampCard, {
    props: { row },
    global: {
      plugins: [
        createTestingPinia({ createSpy: vi.fn, initialState: { sync: { finished: sync.finished ?? {}, progress } } }),
        [primeVue, { unstyled: true }],
        toastService,
      ],
    },
    attachTo: document.body,
  });
  const store = useSyncStore();
  vi.mocked(store.start).mockResolvedValue(1);
  return { wrapper, start: vi.mocked(store.start) };
}

type Wrapper = ReturnType<typeof mountCard>['wrapper'];
const byTestId = (wrapper: Wrapper, id: string) => wrapper.find(`[data-testid="${id}"]`);

describe('StampCard', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows how the stamp is reached: kind, sign-in, credential and its source, proxy', () => {
    const { wrapper } = mountCard(connectionRow({
      kind: 'tenant', authType: 'entra', tenantId: 'contoso.onmicrosoft.com', credentialType: 'certificate',
      secretSource: 'file:/etc/stackmeter/lab.pem', proxy: 'http://proxy.corp.example:3128',
      providerSubscriptionId: null,
    }));
    expect(byTestId(wrapper, 'stamp-kind').text()).toBe('Tenant');
    expect(byTestId(wrapper, 'stamp-sign-in').text()).toBe('Entra ID (contoso.onmicrosoft.com)');
    expect(byTestId(wrapper, 'stamp-credential').text()).toBe('Certificate, file /etc/stackmeter/lab.pem');
    expect(byTestId(wrapper, 'stamp-proxy').text()).toBe('http://proxy.corp.example:3128');
    expect(wrapper.text()).toContain('all the principal can read');
  });

  it('says when the environment\'s proxy applies and where a protected secret lives', () => {
    const { wrapper } = mountCard(connectionRow({ secretSource: 'protected' }));
    expect(byTestId(wrapper, 'stamp-kind').text()).toBe('Operator');
    expect(byTestId(wrapper, 'stamp-sign-in').text()).toBe('AD FS');
    expect(byTestId(wrapper, 'stamp-credential').text())
      .toBe('Client secret, saved, encrypted by the operating system');
    expect(byTestId(wrapper, 'stamp-proxy').text()).toContain('HTTPS_PROXY');
  });

  it('syncs new usage by default: no dates, so the core starts from where the last sync ended', async () => {
    const { wrapper, start } = mountCard(connectionRow());
    const button = byTestId(wrapper, 'sync-button-lab');
    expect(button.text()).toContain('Sync new usage');
    await button.trigger('click');
    await flushPromises();
    expect(start).toHaveBeenCalledWith({ connection: 'lab', granularity: 'Hourly' });
  });

  it('backfills a chosen range and sweeps for deleted subscriptions from the advanced part', async () => {
    const { wrapper, start } = mountCard(connectionRow());
    expect(byTestId(wrapper, 'sync-from-lab').exists()).toBe(false);
    await byTestId(wrapper, 'sync-advanced-lab').trigger('click');
    await byTestId(wrapper, 'sync-mode-range-lab').setValue(true);
    await byTestId(wrapper, 'sync-from-lab').setValue('2024-05-01');
    await byTestId(wrapper, 'sync-through-lab').setValue('2024-05-31');
    await byTestId(wrapper, 'sync-sweep-lab').setValue(true);
    expect(byTestId(wrapper, 'sync-button-lab').text()).toContain('Sync range');
    await byTestId(wrapper, 'sync-button-lab').trigger('click');
    await flushPromises();
    expect(start).toHaveBeenCalledWith({
      connection: 'lab', granularity: 'Hourly', from: '2024-05-01', to: '2024-06-01', sweepDeleted: true,
    });
  });

  it('refuses a range that ends before it starts', async () => {
    const { wrapper, start } = mountCard(connectionRow());
    await byTestId(wrapper, 'sync-advanced-lab').trigger('click');
    await byTestId(wrapper, 'sync-mode-range-lab').setValue(true);
    await byTestId(wrapper, 'sync-from-lab').setValue('2024-06-02');
    await byTestId(wrapper, 'sync-through-lab').setValue('2024-06-01');
    expect(wrapper.text()).toContain('"From" must be on or before "Through".');
    expect(byTestId(wrapper, 'sync-button-lab').attributes('disabled')).toBeDefined();
    await wrapper.find('form').trigger('submit');
    expect(start).not.toHaveBeenCalled();
  });

  it('offers the sweep for deleted subscriptions on operator stamps only', async () => {
    const { wrapper } = mountCard(connectionRow({ kind: 'tenant' }));
    await byTestId(wrapper, 'sync-advanced-lab').trigger('click');
    expect(byTestId(wrapper, 'sync-sweep-lab').exists()).toBe(false);
  });

  it('follows a running sync with windows, retries, records, pages and rate', () => {
    const { wrapper } = mountCard(connectionRow(), {
      progress: [syncProgress({ windowsDone: 12, windowsTotal: 48, retries: 3, records: 4200, pages: 9, rate: 850 })],
    });
    expect(byTestId(wrapper, 'sync-windows').text()).toBe('windows 12/48');
    expect(byTestId(wrapper, 'sync-retries').text()).toBe('3 retries');
    expect(byTestId(wrapper, 'sync-records').text()).toBe('4,200 records');
    expect(byTestId(wrapper, 'sync-progress').text()).toContain('9 pages');
    expect(byTestId(wrapper, 'sync-progress').text()).toContain('850 records/s');
    expect(byTestId(wrapper, 'sync-button-lab').attributes('disabled')).toBeDefined();
  });

  it('says that a partial sync\'s failed windows are retried by the next sync', () => {
    const partial = syncRun({ status: 'partial', windows: 48, windowsDone: 46, windowErrors: ['a', 'b'],
      error: '2 windows failed' });
    const { wrapper } = mountCard(connectionRow(), { finished: { lab: partial } });
    const result = byTestId(wrapper, 'sync-result');
    expect(result.attributes('data-status')).toBe('partial');
    expect(result.text()).toContain('2 windows of 48 failed — the next sync retries them');
  });

  it('after a restart, says that an interrupted sync is resumed by the next one', () => {
    const { wrapper } = mountCard(connectionRow({ lastSync: syncRun({ status: 'interrupted', endedAt: null }) }));
    expect(byTestId(wrapper, 'sync-result').text()).toContain('The process stopped during this sync');
    expect(byTestId(wrapper, 'sync-result').text()).toContain('the next sync resumes it');
    expect(wrapper.find('[data-status="interrupted"]').text()).toBe('Interrupted');
  });
});
