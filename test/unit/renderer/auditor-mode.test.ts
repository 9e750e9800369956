import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import Toast from 'primevue/toast';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h, withDirectives } from 'vue';
import type { ReadOnlyInfo } from '../../../electron/shared/auditor.ts';
import type { ReplayResult, StatementDocument, StatementSummary } from '../../../electron/shared/chargeback.ts';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { AuditEntry } from '../../../electron/shared/rating.ts';
import AuditorBanner from '../../../renderer/src/components/AuditorBanner.vue';
import { READ_ONLY_TITLE, vEdit, windowTitle } from '../../../renderer/src/readOnly/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.ts';
import AuditView from '../../../renderer/src/views/AuditView.vue';
import StatementsView from '../../../renderer/src/views/StatementsView.vue';
import { statementDocument } from './chargeback-fixtures.ts';
import { FakeBridge } from './fake-bridge.ts';

const FINGERPRINT = '3f2a91c07d4eb815'.padEnd(64, 'a');
const BUNDLE: ReadOnlyInfo = {
  source: 'bundle', path: '/media/usb/east-2026-10.smb', fingerprint: FINGERPRINT, openedAt: '2026-12-03T09:00:00Z',
  bundle: { manifestSha256: 'b'.repeat(64), period: { from: '2026-10-01', to: '2026-11-01' }, stamps: ['east'] },
};
const CACHE: ReadOnlyInfo = {
  source: 'cache', path: 'C:\\evidence\\stackmeter.sqlite', fingerprint: null, openedAt: '2026-12-03T09:00:00Z',
  bundle: null,
};

const plugins = [PrimeVue, ToastService] as unknown as Plugin[];
const bridge = new FakeBridge();
const mounted: { unmount(): void }[] = [];

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});
beforeEach(() => {
  bridge.calls.length = 0;
  bridge.handlers = {};
});
afterEach(() => {
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  document.body.innerHTML = '';
  window.location.hash = '';
  vi.restoreAllMocks();
});

/** Mounts a view as the console shows it once app:info said what mode it is in. */
function mountIn(readOnly: ReadOnlyInfo | null, view: ReturnType<typeof defineComponent>) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const app = useAppStore();
  app.info = { version: '1.0.0', dbPath: '/tmp/x.sqlite', canProtectSecrets: false, readOnly };
  app.ready = true;
  const wrapper = mount(defineComponent(() => () => h('div', [h(Toast), h(view)])),
    { global: { plugins: [pinia, ...plugins] }, attachTo: document.body });
  mounted.push(wrapper);
  return wrapper;
}

const testid = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const text = (id: string) => testid(id)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

describe('the auditor mode title and banner', () => {
  it('names the mode and the file in the window title', () => {
    expect(windowTitle(null)).toBe('Stackmeter');
    expect(windowTitle(BUNDLE)).toBe('Stackmeter — Auditor mode (read-only) — east-2026-10.smb');
    expect(windowTitle(CACHE)).toBe('Stackmeter — Auditor mode (read-only) — stackmeter.sqlite');
  });

  it('shows the file and, for a bundle, the signer\'s short fingerprint', () => {
    const wrapper = mount(AuditorBanner, { props: { info: BUNDLE } });
    mounted.push(wrapper);
    expect(wrapper.text()).toContain('Auditor mode (read-only)');
    expect(wrapper.find('[data-testid="auditor-file"]').text()).toBe('east-2026-10.smb');
    expect(wrapper.find('[data-testid="auditor-signer"]').text()).toBe('3f2a:91c0:7d4e:b815');
    expect(wrapper.attributes('title')).toContain(FINGERPRINT);
    const cache = mount(AuditorBanner, { props: { info: CACHE } });
    mounted.push(cache);
    expect(cache.find('[data-testid="auditor-signer"]').exists()).toBe(false);
  });
});

describe('v-edit', () => {
  const Form = defineComponent(() => () => h('div', [
    withDirectives(h('button', { 'data-testid': 'save', title: 'Save it' }, 'Save'), [[vEdit]]),
    withDirectives(h('fieldset', { 'data-testid': 'group' }, [h('input', { 'data-testid': 'name' })]), [[vEdit]]),
    h('button', { 'data-testid': 'look' }, 'Look'),
  ]));

  it('disables the control, or every field of a container, with the reason as tooltip in auditor mode', () => {
    mountIn(CACHE, Form);
    expect(testid('save')!.hasAttribute('disabled')).toBe(true);
    expect(testid('save')!.title).toBe(READ_ONLY_TITLE);
    expect(testid('name')!.hasAttribute('disabled')).toBe(true);
    expect(testid('group')!.title).toBe(READ_ONLY_TITLE);
    expect(testid('look')!.hasAttribute('disabled')).toBe(false);
  });

  it('leaves everything as it is when the cache is open normally', () => {
    mountIn(null, Form);
    expect(testid('save')!.hasAttribute('disabled')).toBe(false);
    expect(testid('save')!.title).toBe('Save it');
    expect(testid('name')!.hasAttribute('disabled')).toBe(false);
  });
});

describe('the Statements view in auditor mode', () => {
  const HASH = 'c'.repeat(64);
  let draft: StatementDocument;
  let finalized: StatementDocument;
  const summary = (d: StatementDocument): StatementSummary => ({
    id: d.id, kind: d.kind, correctsId: null, status: d.status, period: d.period, stamps: [], rateCard: d.rateCard,
    total: d.result.totals.total, currency: 'USD', createdAt: d.createdAt, createdBy: d.createdBy,
    finalizedAt: d.finalizedAt, hash: d.hash,
  });
  const replayOf = (id: string, identical: boolean): ReplayResult => ({
    statementId: id, identical, hash: HASH, recomputedHash: identical ? HASH : 'd'.repeat(64),
    differences: identical ? [] : [{ path: 'result.totals.total', expected: '"1"', actual: '"2"' }], corrections: [],
  });

  beforeEach(() => {
    draft = statementDocument();
    finalized = { ...statementDocument(), id: 'ST-202609-0001', status: 'finalized', hash: HASH };
    const second = { ...finalized, id: 'ST-202608-0001' };
    bridge.handlers = {
      'statements:list': () => [summary(draft), summary(finalized), summary(second)],
      'statements:get': () => draft,
      'statements:replay': (id) => replayOf(id, id !== 'ST-202608-0001'),
    };
  });

  it('disables finalizing with the reason, and still verifies by replay', async () => {
    window.location.hash = `#/statements/${draft.id}`;
    mountIn(CACHE, StatementsView);
    await vi.waitFor(() => expect(text('statement-status')).toBe('draft'));
    const finalize = testid('statement-finalize')!;
    expect(finalize.hasAttribute('disabled')).toBe(true);
    expect(finalize.title).toBe(READ_ONLY_TITLE);
    expect(testid('statement-replay')!.hasAttribute('disabled')).toBe(false);
    expect(text('statement-replay')).toBe('Verify by replay');
  });

  it('verifies every finalized statement, one row each, and says how many differ', async () => {
    mountIn(CACHE, StatementsView);
    await vi.waitFor(() => expect(bridge.callsOf('statements:list')).toHaveLength(1));
    testid('statements-verify-all')!.click();
    await vi.waitFor(() => expect(text('verify-all-headline'))
      .toBe('1 of 2 finalized statements differ or could not be replayed.'));
    expect(bridge.callsOf('statements:replay')).toEqual([['ST-202609-0001'], ['ST-202608-0001']]);
    expect(testid('verify-row-ST-202609-0001')!.dataset.identical).toBe('true');
    expect(text('verify-row-ST-202609-0001')).toContain('Identical');
    expect(text('verify-row-ST-202608-0001')).toContain('Differs in 1 place');
  });
});

describe('the Audit log view in auditor mode', () => {
  const entry = (seq: number): AuditEntry => ({
    seq, at: `2026-11-0${seq}T10:00:00Z`, user: 'operator', action: 'statement.finalize', subject: `statement:${seq}`,
    reason: seq === 2 ? null : 'approved', details: { n: seq }, prevHash: String(seq - 1).repeat(64),
    hash: String(seq).repeat(64),
  });

  beforeEach(() => {
    bridge.handlers = {
      'audit:list': (offset, limit) => ({ rows: [entry(3), entry(2), entry(1)].slice(offset, offset + limit), total: 3 }),
      'audit:verify': () => ({ intact: true, entries: 3, brokenAt: null, problem: null }),
      'audit:export': (format) => ({ fileName: `stackmeter-audit-trail-20261203-090000.${format}`,
        path: `/home/auditor/exports/stackmeter-audit-trail-20261203-090000.${format}`, rows: 3, bytes: 4096 }),
    };
  });

  it('checks the chain as soon as it opens', async () => {
    mountIn(BUNDLE, AuditView);
    await vi.waitFor(() => expect(text('audit-verdict')).toBe('Intact (3 entries)'));
  });

  it('prints the whole trail oldest first with the verdict and what was opened', async () => {
    // happy-dom has no print dialog: the console's call to it is what is checked.
    const print = vi.fn();
    Object.defineProperty(window, 'print', { value: print, configurable: true, writable: true });
    mountIn(BUNDLE, AuditView);
    testid('audit-print')!.click();
    await vi.waitFor(() => expect(print).toHaveBeenCalledOnce());
    const trail = testid('audit-print-trail')!;
    expect(trail.textContent).toContain('Chain verification: Intact (3 entries)');
    expect(trail.textContent).toContain(`Bundle ${BUNDLE.path}, signed by key ${FINGERPRINT}`);
    const rows = [...trail.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['1', '2', '3']);
    expect(rows[0]!.textContent).toContain('1'.repeat(64));
  });

  it('exports the trail as a PDF through the core', async () => {
    mountIn(BUNDLE, AuditView);
    testid('audit-export-pdf')!.click();
    await vi.waitFor(() => expect(bridge.callsOf('audit:export')).toEqual([['pdf']]));
    await vi.waitFor(() => expect(document.body.textContent)
      .toContain('Saved to /home/auditor/exports/stackmeter-audit-trail-20261203-090000.pdf'));
  });
});
