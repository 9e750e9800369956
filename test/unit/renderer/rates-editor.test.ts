import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ConfirmDialog from 'primevue/confirmdialog';
import ConfirmationService from 'primevue/confirmationservice';
import Toast from 'primevue/toast';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { RateCard, RateCardDraft } from '../../../electron/shared/rating.ts';
import { meterKey } from '../../../renderer/src/components/rates/rateRows.ts';
import { useRateCardsStore } from '../../../renderer/src/stores/rateCards.ts';
import RateCardsView from '../../../renderer/src/views/RateCardsView.vue';
import { EGRESS_METER, VM_METER, catalogMeter, rateCard, summaryOf } from './chargeback-fixtures.ts';
import { FakeBridge } from './fake-bridge.ts';

const plugins = [PrimeVue, ToastService, ConfirmationService] as unknown as Plugin[];
const bridge = new FakeBridge();
const Host = defineComponent(() => () => h('div', [h(Toast), h(ConfirmDialog), h(RateCardsView)]));

const VM = meterKey(VM_METER);
const EGRESS = meterKey(EGRESS_METER);
const CATALOG = [catalogMeter(), catalogMeter({ meterId: EGRESS_METER, name: 'BlobDataTransOut',
  unit: 'Egress in GB', service: 'Storage' })];

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

let card: RateCard;
let problems: { path: string; message: string }[];

beforeEach(() => {
  setActivePinia(createPinia());
  card = rateCard();
  problems = [];
  bridge.calls.length = 0;
  bridge.handlers = {
    'rates:list': () => [summaryOf(card)],
    'rates:get': () => card,
    'meters:list': () => CATALOG,
    'rates:saveDraft': (_id, version, draft: RateCardDraft) => {
      card = { ...card, versions: card.versions.map((v) => (v.version === version
        ? { ...v, effectiveFrom: draft.effectiveFrom, meters: draft.meters } : v)) };
      return { card, version: version ?? 1, problems };
    },
    'rates:publish': (_id, version) => {
      card = { ...card, versions: card.versions.map((v) => (v.version === version
        ? { ...v, status: 'published', publishedAt: '2026-11-02T10:00:00Z' } : v)) };
      return card;
    },
  };
});

const mounted: { unmount(): void }[] = [];
afterEach(() => {
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  document.body.innerHTML = '';
});

/** Mounts the view and waits until the grid shows what `ready` expects (by default, the draft's VM price). */
async function mountView(ready = () => expect(cell(VM, 'unitPrice')?.textContent).toBe('0.008')) {
  const wrapper = mount(Host, { global: { plugins: [createPiniaFor(), ...plugins] }, attachTo: document.body });
  mounted.push(wrapper);
  await vi.waitFor(ready);
  return wrapper;
}

/** The view and the test share the active pinia. */
function createPiniaFor() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return pinia;
}

const cell = (key: string, col: string) =>
  document.querySelector<HTMLElement>(`[data-testid="rate-grid"] .ag-row[row-id="${key}"] [col-id="${col}"]`);
const problemTexts = () => [...document.querySelectorAll('[data-testid="rates-problem"]')]
  .map((e) => e.textContent?.replace(/\s+/g, ' ').trim());
const button = (testid: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${testid}"]`)!;

describe('the rate card editor', () => {
  it('shows every catalog meter with the draft\'s prices, and marks a negative price at once', async () => {
    await mountView();
    expect(cell(EGRESS, 'tiers')?.textContent).toBe('2 tiers from 0.087');
    expect(cell(VM, 'kind')?.textContent).toBe('flat');

    useRateCardsStore().edit(VM, 'unitPrice', '-1');
    await vi.waitFor(() => expect(cell(VM, 'unitPrice')?.classList.contains('cell-problem')).toBe(true));
    expect(cell(VM, 'unitPrice')?.getAttribute('title')).toBe('Must not be negative (got -1).');
    expect(problemTexts()).toEqual(['Base VM Size Hours · Unit price: Must not be negative (got -1).']);
    expect(document.querySelector('[data-testid="unsaved"]')).not.toBeNull();
  });

  it('does not send text that is not a number to the core', async () => {
    await mountView();
    useRateCardsStore().edit(VM, 'unitPrice', '0,5');
    await flushPromises();
    button('rates-save').click();
    await vi.waitFor(() => expect(document.body.textContent).toContain('Fix the highlighted value first'));
    expect(bridge.callsOf('rates:saveDraft')).toEqual([]);
  });

  it('saves the draft and puts the core\'s problems on the cells they are about', async () => {
    await mountView();
    problems = [{ path: 'meters[1].pricing.tiers[1].from', message: 'Overlap: tier 2 starts at 10000, inside tier 1.' }];
    useRateCardsStore().edit(VM, 'unitPrice', '0.0095');
    await flushPromises();
    button('rates-save').click();

    await vi.waitFor(() => expect(cell(EGRESS, 'tiers')?.classList.contains('cell-problem')).toBe(true));
    const [id, version, draft] = bridge.callsOf('rates:saveDraft')[0] as [string, number, RateCardDraft];
    expect([id, version]).toEqual(['standard', 1]);
    expect(draft.meters.map((m) => [m.meterId, m.pricing?.kind])).toEqual([[VM_METER, 'flat'],
      [EGRESS_METER, 'graduated']]);
    expect(draft.meters[0]?.pricing).toEqual({ kind: 'flat', unitPrice: '0.0095' });
    expect(problemTexts()).toEqual(['BlobDataTransOut · Tiers: Overlap: tier 2 starts at 10000, inside tier 1.']);
    expect(button('rates-publish').disabled).toBe(true);
  });

  it('publishes a clean draft with a reason and shows it read-only from then on', async () => {
    await mountView();
    useRateCardsStore().edit(VM, 'unitPrice', '0.01');
    await flushPromises();
    button('rates-save').click();
    await vi.waitFor(() => expect(button('rates-publish').disabled).toBe(false));

    button('rates-publish').click();
    await vi.waitFor(() => expect(document.querySelector('[data-testid="reason-dialog"]')).not.toBeNull());
    expect(document.body.textContent).toContain('A published version can never change.');
    const reason = document.querySelector<HTMLTextAreaElement>('[data-testid="reason-input"]')!;
    reason.value = 'Prices for 2026 approved';
    reason.dispatchEvent(new Event('input'));
    await flushPromises();
    button('reason-confirm').click();

    await vi.waitFor(() => expect(document.querySelector('[data-testid="version-readonly"]')).not.toBeNull());
    expect(bridge.callsOf('rates:publish')).toEqual([['standard', 1, 'Prices for 2026 approved']]);
    expect(document.querySelector('[data-testid="version-status"]')?.textContent?.trim()).toBe('v1 published');
    expect(useRateCardsStore().edit(VM, 'unitPrice', '5')).toBe(false);
  });

  it('puts a catalog meter on the card when it is priced, under its catalog name', async () => {
    card = rateCard({ versions: [{ ...rateCard().versions[0]!, meters: [] }] });
    await mountView(() => expect(cell(VM, 'kind')?.textContent).toBe('unrated'));
    const store = useRateCardsStore();
    store.edit(VM, 'kind', 'flat');
    store.edit(VM, 'unitPrice', '0.008');
    await store.save();
    const draft = bridge.callsOf('rates:saveDraft')[0]![2] as RateCardDraft;
    expect(draft.meters).toEqual([{ meterId: VM_METER, name: 'Base VM Size Hours', consumedUnit: 'Virtual core hours',
      pricingUnit: 'Virtual core hours', conversion: { kind: 'none' }, pricing: { kind: 'flat', unitPrice: '0.008' },
      aggregation: 'subscription' }]);
  });
});
