import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import Toast from 'primevue/toast';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h } from 'vue';
import type { ReplayResult, StatementDocument, StatementSummary } from '../../../electron/shared/chargeback.ts';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import { replayHeadline } from '../../../renderer/src/stores/statements.ts';
import StatementsView from '../../../renderer/src/views/StatementsView.vue';
import { statementDocument } from './chargeback-fixtures.ts';
import { FakeBridge } from './fake-bridge.ts';

const HASH = '4efbc221a3bebcb11c36d6f3e29e0d67924f1b60565cc3ea9040a7cc0b609710';
const OTHER_HASH = '582464c613f62792'.padEnd(64, '0');

const identical: ReplayResult = {
  statementId: 'ST-202610-0001', identical: true, hash: HASH, recomputedHash: HASH, differences: [], corrections: [],
};
const different: ReplayResult = {
  statementId: 'ST-202610-0001', identical: false, hash: HASH, recomputedHash: OTHER_HASH,
  differences: [
    { path: 'inputHash', expected: JSON.stringify('a'.repeat(64)), actual: JSON.stringify('b'.repeat(64)) },
    { path: 'result.totals.total', expected: '"1234.50"', actual: '"1334.50"' },
    { path: 'result.adjustmentLines[2026-10|3|fee|-]', expected: null, actual: '{"amount":"100.00"}' },
  ],
  corrections: ['ST-202610-0001-C1'],
};

describe('how a replay reads', () => {
  it('says identical, or how many differences and which corrections may hold them', () => {
    expect(replayHeadline(identical)).toBe('Recomputed from the cache, the statement gives the same lines, totals and '
      + 'hash.');
    expect(replayHeadline(different)).toBe('3 differences between the stored statement and a recomputation from the '
      + 'cache. Later corrections may already hold them: ST-202610-0001-C1.');
    expect(replayHeadline({ ...different, differences: [], corrections: [] }))
      .toBe('The recomputed hash differs between the stored statement and a recomputation from the cache.');
  });
});

const plugins = [PrimeVue, ToastService] as unknown as Plugin[];
const bridge = new FakeBridge();
const Host = defineComponent(() => () => h('div', [h(Toast), h(StatementsView)]));

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

describe('the Statements view', () => {
  let doc: StatementDocument;
  let replay: ReplayResult;
  const mounted: { unmount(): void }[] = [];

  beforeEach(() => {
    doc = statementDocument();
    replay = identical;
    bridge.calls.length = 0;
    bridge.handlers = {
      'statements:list': (): StatementSummary[] => [{
        id: doc.id, kind: doc.kind, correctsId: null, status: doc.status, period: doc.period, stamps: [],
        rateCard: doc.rateCard, total: doc.result.totals.total, currency: 'USD', createdAt: doc.createdAt,
        createdBy: doc.createdBy, finalizedAt: doc.finalizedAt, hash: doc.hash,
      }],
      'statements:get': () => doc,
      'statements:replay': () => replay,
      'statements:finalize': () => {
        doc = { ...doc, status: 'finalized', hash: HASH, finalizedAt: '2026-11-02T10:00:00Z', finalizedBy: 'operator' };
        return doc;
      },
      'statements:export': (id, format) => [
        { fileName: `${id}-contoso.${format}`, path: `/data/exports/${id}-contoso.${format}`, rows: 1, bytes: 2048 },
        { fileName: `${id}-fabrikam.${format}`, path: `/data/exports/${id}-fabrikam.${format}`, rows: 1, bytes: 2048 },
      ],
    };
  });

  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
    document.body.innerHTML = '';
    window.location.hash = '';
  });

  async function mountView() {
    // The statement shown is the one in the URL; the navigation store reads it when it is created.
    window.location.hash = '#/statements/ST-202610-0001';
    const pinia = createPinia();
    setActivePinia(pinia);
    const wrapper = mount(Host, { global: { plugins: [pinia, ...plugins] }, attachTo: document.body });
    mounted.push(wrapper);
    await vi.waitFor(() => expect(text('statement-status')).toBe('draft'));
    return wrapper;
  }

  const text = (testid: string) => document.querySelector(`[data-testid="${testid}"]`)?.textContent?.trim() ?? null;
  const click = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!.click();

  it('shows the statement\'s header, totals per tenant and the adjustment order', async () => {
    await mountView();
    expect(bridge.callsOf('statements:get')).toEqual([['ST-202610-0001']]);
    expect(text('statement-total')).toBe('1,234.50 USD');
    expect(text('statement-hash')).toBe('set when finalized');
    expect(text('statement-order')).toContain('Price overrides first.');
    const tenant = document.querySelector('[data-testid="tenant-totals"] .ag-row:not(.ag-row-pinned)');
    expect(tenant?.querySelector('[col-id="label"]')?.textContent).toBe('contoso.example');
    expect(tenant?.querySelector('[col-id="total"]')?.textContent).toBe('1,234.50');
    expect(document.querySelector('[data-testid="statement-correct"]')).toBeNull();
  });

  it('says "identical" in green when the replay gives the same statement', async () => {
    await mountView();
    click('statement-replay');
    await vi.waitFor(() => expect(text('replay-verdict')).toBe('Identical'));
    const panel = document.querySelector('[data-testid="replay-result"]')!;
    expect(panel.classList.contains('identical')).toBe(true);
    expect(panel.getAttribute('data-identical')).toBe('true');
    expect(document.querySelector('[data-testid="replay-differences"]')).toBeNull();
  });

  it('lists every difference of a replay, stored against recomputed, and the later corrections', async () => {
    replay = different;
    await mountView();
    click('statement-replay');
    await vi.waitFor(() => expect(text('replay-verdict')).toBe('Differs'));
    expect(document.querySelector('[data-testid="replay-result"]')?.classList.contains('different')).toBe(true);
    const rows = [...document.querySelectorAll('[data-testid="replay-differences"] tbody tr')]
      .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['inputHash', 'a'.repeat(64), 'b'.repeat(64)],
      ['result.totals.total', '1234.50', '1334.50'],
      ['result.adjustmentLines[2026-10|3|fee|-]', '(absent)', '{"amount":"100.00"}'],
    ]);
    expect(text('replay-headline')).toContain('Later corrections may already hold them: ST-202610-0001-C1.');
  });

  it('finalizes a draft with a reason, then offers a correction instead', async () => {
    await mountView();
    click('statement-finalize');
    await vi.waitFor(() => expect(document.querySelector('[data-testid="reason-input"]')).not.toBeNull());
    expect(document.body.textContent).toContain('it can never change afterwards');
    const reason = document.querySelector<HTMLTextAreaElement>('[data-testid="reason-input"]')!;
    reason.value = 'October usage complete';
    reason.dispatchEvent(new Event('input'));
    await flushPromises();
    click('reason-confirm');

    await vi.waitFor(() => expect(text('statement-status')).toBe('finalized'));
    expect(bridge.callsOf('statements:finalize')).toEqual([['ST-202610-0001', 'October usage complete']]);
    expect(text('statement-hash')).toBe(HASH);
    expect(document.querySelector('[data-testid="statement-finalize"]')).toBeNull();
    expect(document.querySelector('[data-testid="statement-correct"]')).not.toBeNull();
  });

  it('exports a PDF per tenant and says where the files are', async () => {
    await mountView();
    click('statement-export-pdf');
    await vi.waitFor(() => expect(document.body.textContent).toContain('Saved 2 files'));
    expect(bridge.callsOf('statements:export')).toEqual([['ST-202610-0001', 'pdf', 'per-tenant']]);
    click('statement-export-xlsx');
    await vi.waitFor(() => expect(bridge.callsOf('statements:export').at(-1)).toEqual(['ST-202610-0001', 'xlsx']));
  });
});
