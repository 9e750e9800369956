import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import Toast from 'primevue/toast';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h } from 'vue';
import type { ChargebackLinesPage, ChargebackQuery } from '../../../electron/shared/chargeback.ts';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import {
  type ChargebackState, adjustmentLinesOf, buildChargebackQuery, chargebackProblem, lastWholeMonth, useChargebackStore,
} from '../../../renderer/src/stores/chargeback.ts';
import { useStampFilterStore } from '../../../renderer/src/stores/stampFilter.ts';
import ChargebackView from '../../../renderer/src/views/ChargebackView.vue';
import {
  CONTOSO, FABRIKAM, SUB_DEV, adjustmentLine, chargebackResult, rateCard, ratedLine, summaryOf,
} from './chargeback-fixtures.ts';
import { FakeBridge } from './fake-bridge.ts';

const state = (over: Partial<ChargebackState> = {}): ChargebackState => ({
  periodKind: 'month', month: '2026-10', from: '', through: '', rateCardId: 'standard', by: 'tenant', tagKey: '',
  stamp: null, granularity: 'auto', ...over,
});

describe('the chargeback query', () => {
  it('runs a calendar month by default: the last one that has ended', () => {
    expect(lastWholeMonth(new Date('2026-11-22T20:00:00Z'))).toBe('2026-10');
    expect(lastWholeMonth(new Date('2027-01-01T00:30:00Z'))).toBe('2026-12');
    expect(buildChargebackQuery(state())).toEqual({
      period: { from: '2026-10-01', to: '2026-11-01' }, rateCardId: 'standard', by: 'tenant',
    });
    expect(buildChargebackQuery(state({ month: '2026-12' }))?.period).toEqual({ from: '2026-12-01', to: '2027-01-01' });
  });

  it('takes custom dates through the last day included, a tag key and one stamp', () => {
    expect(buildChargebackQuery(state({ periodKind: 'custom', from: '2026-10-05', through: '2026-10-19', by: 'tag',
      tagKey: ' costCenter ', stamp: 'lab', granularity: 'Daily' }))).toEqual({
      period: { from: '2026-10-05', to: '2026-10-20' }, rateCardId: 'standard', by: 'tag', tagKey: 'costCenter',
      stamps: ['lab'], granularity: 'Daily',
    });
  });

  it('says what is missing instead of asking', () => {
    expect(chargebackProblem(state({ rateCardId: null }))).toBe('Choose a rate card.');
    expect(chargebackProblem(state({ by: 'tag' }))).toBe('Type the tag key whose values the rows are.');
    expect(chargebackProblem(state({ periodKind: 'custom', from: '2026-10-09', through: '2026-10-01' })))
      .toBe('The period\'s first day must be on or before its last day.');
    expect(chargebackProblem(state({ month: '' }))).toBe('Choose the month.');
    expect(buildChargebackQuery(state({ by: 'tag' }))).toBeNull();
  });

  it('finds the adjustment lines a row counts, as the core sums them', () => {
    const tax = adjustmentLine();
    const fee = adjustmentLine({ type: 'recurring-fee', tenantId: null, adjustmentId: 'fee' });
    const result = chargebackResult({ adjustmentLines: [tax, fee] });
    expect(adjustmentLinesOf(result, result.rows[0]!)).toEqual([tax]);
    expect(adjustmentLinesOf(result, { ...result.rows[0]!, key: '(unknown tenant)' })).toEqual([fee]);
    const byMeter = chargebackResult({ by: 'meter', adjustmentLines: [tax, fee] });
    expect(adjustmentLinesOf(byMeter, { ...byMeter.rows[0]!, key: '(adjustments)' })).toEqual([tax, fee]);
  });
});

const plugins = [PrimeVue, ToastService] as unknown as Plugin[];
const bridge = new FakeBridge();
const Host = defineComponent(() => () => h('div', [h(Toast), h(ChargebackView)]));

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

describe('the Chargeback view', () => {
  beforeEach(() => {
    bridge.calls.length = 0;
    const published = rateCard({ versions: [{ ...rateCard().versions[0]!, status: 'published',
      publishedAt: '2026-10-01T08:00:00Z' }] });
    const other = rateCard({ id: 'draft-only', name: 'Draft only' });
    bridge.handlers = {
      'connections:list': () => [],
      'rates:list': () => [summaryOf(other), summaryOf(published)],
      'chargeback:run': () => chargebackResult(),
      'chargeback:lines': (_query, groupKey, offset): ChargebackLinesPage => ({
        total: 1,
        rows: offset > 0 ? [] : [{ groupKey, line: ratedLine(), quantity: '154312.5', records: 744, amount: '1234.50',
          filter: { period: { from: '2026-10-01', to: '2026-11-01' }, subscriptions: [SUB_DEV], meters: ['vm'] } }],
      }),
      'usage:records': (_filter, offset) => ({ rows: [], offset, total: 744 }),
      'statements:create': () => ({ id: 'ST-202610-0001' }) as never,
    };
  });

  const mounted: { unmount(): void }[] = [];
  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
    document.body.innerHTML = '';
    window.location.hash = '';
  });

  async function mountView() {
    const pinia = createPinia();
    setActivePinia(pinia);
    // The chart is drawn by Chart.js on a canvas, which happy-dom does not have: e2e looks at it in Chromium.
    const wrapper = mount(Host, { global: { plugins: [pinia, ...plugins], stubs: { ChargebackChart: true } },
      attachTo: document.body });
    mounted.push(wrapper);
    await vi.waitFor(() => expect(row(CONTOSO)?.querySelector('[col-id="total"]')?.textContent).toBe('1,234.50'));
    return wrapper;
  }

  const row = (key: string) => document.querySelector<HTMLElement>(
    `[data-testid="chargeback-grid"] .ag-row[row-id="${key}"]`);

  it('runs last month with the most recently published card, per tenant, with exact totals', async () => {
    await mountView();
    const month = lastWholeMonth(new Date());
    expect(bridge.callsOf('chargeback:run')).toHaveLength(1);
    const [query] = bridge.callsOf('chargeback:run')[0] as [ChargebackQuery];
    expect(query).toMatchObject({ rateCardId: 'standard', by: 'tenant' });
    expect(query.period.from).toBe(`${month}-01`);
    expect(document.querySelector('[data-testid="total-total"]')?.textContent).toBe('1,234.50 USD');
    const pinned = document.querySelector('[data-testid="chargeback-grid"] .ag-row-pinned');
    expect(pinned?.querySelector('[col-id="total"]')?.textContent).toBe('1,234.50');
    expect(pinned?.querySelector('[col-id="label"]')?.textContent).toBe('Total: 2 rows');
  });

  it('shows unrated usage as "unrated", never as zero', async () => {
    await mountView();
    const fabrikam = row(FABRIKAM)!;
    expect(fabrikam.querySelector('[col-id="usage"]')?.textContent).toBe('unrated');
    expect(fabrikam.querySelector('[col-id="total"]')?.textContent).toBe('unrated');
    expect(fabrikam.querySelector('[col-id="unratedRecords"]')?.textContent).toBe('744 records');
    expect(document.querySelector('[data-testid="unrated-note"]')?.textContent)
      .toContain('744 records of 1 meter are unrated: 1 meter not on the card.');
  });

  it('drills into a row\'s rated lines and from a line to its usage records', async () => {
    await mountView();
    row(CONTOSO)!.querySelector<HTMLElement>('[col-id="label"]')!.click();
    await vi.waitFor(() => expect(document.querySelector('[data-testid="lines-count"]')?.textContent)
      .toBe('1 rated line'));
    const [query, groupKey, offset] = bridge.callsOf('chargeback:lines')[0]!;
    expect([groupKey, offset]).toEqual([CONTOSO, 0]);
    expect(query).toEqual(bridge.callsOf('chargeback:run')[0]![0]);
    const line = document.querySelector<HTMLElement>('[data-testid="chargeback-lines"] .ag-row[row-index="0"]')!;
    expect(line.querySelector('[col-id="version"]')?.textContent).toBe('v1');
    expect(line.querySelector('[col-id="price"]')?.textContent).toBe('0.008');
    expect(line.querySelector('[col-id="amount"]')?.textContent).toBe('1,234.50');

    line.querySelector<HTMLElement>('[col-id="meter"]')!.click();
    await vi.waitFor(() => expect(document.querySelector('[data-testid="records-count"]')?.textContent)
      .toBe('744 records'));
    expect(bridge.callsOf('usage:records')[0]![0]).toEqual({ period: { from: '2026-10-01', to: '2026-11-01' },
      subscriptions: [SUB_DEV], meters: ['vm'] });
  });

  it('runs again when the grouping or the stamp changes', async () => {
    await mountView();
    useChargebackStore().by = 'subscription';
    useStampFilterStore().select('lab');
    await vi.waitFor(() => expect(bridge.callsOf('chargeback:run').at(-1)?.[0]).toMatchObject({
      by: 'subscription', stamps: ['lab'] }));
  });

  it('creates a statement of the run and opens it', async () => {
    await mountView();
    document.querySelector<HTMLButtonElement>('[data-testid="create-statement"]')!.click();
    await flushPromises();
    const [run] = bridge.callsOf('chargeback:run')[0] as [ChargebackQuery];
    expect(bridge.callsOf('statements:create')).toEqual([[{ period: run.period, rateCardId: 'standard',
      granularity: 'Hourly' }]]);
    await vi.waitFor(() => expect(window.location.hash).toBe('#/statements/ST-202610-0001'));
  });
});
