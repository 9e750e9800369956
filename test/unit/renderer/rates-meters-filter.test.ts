import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { RateCard } from '../../../electron/shared/rating.ts';
import { filterMeters, useMetersStore } from '../../../renderer/src/stores/meters.ts';
import {
  defaultCardId, importFormat, pricedMeterKeys, suggestEffectiveFrom, versionInEffect,
} from '../../../renderer/src/stores/rateCards.ts';
import MetersView from '../../../renderer/src/views/MetersView.vue';
import { EGRESS_METER, VM_METER, catalogMeter, rateCard, summaryOf } from './chargeback-fixtures.ts';
import { FakeBridge } from './fake-bridge.ts';

const IP_METER = 'f271a8a388c44d93956a063e1d2fa80b';
const VM = catalogMeter({ records: 10, quantity: '10' });
const EGRESS = catalogMeter({ meterId: EGRESS_METER, name: 'BlobDataTransOut', unit: 'Egress in GB',
  service: 'Storage', records: 5, quantity: '5' });
const IP = catalogMeter({ meterId: IP_METER, name: 'Static IP Address Usage', unit: 'IP addresses',
  service: 'Network', records: 3, quantity: '3' });

/** A card whose version in effect since 2020 prices the VM meter, lists egress without a price and not the IP. */
function pricedCard(): RateCard {
  const base = rateCard().versions[0]!;
  return rateCard({
    id: 'standard',
    versions: [
      { ...base, version: 1, status: 'published', effectiveFrom: '2020-01-01', publishedAt: '2020-01-01T00:00:00Z',
        meters: [base.meters[0]!, { ...base.meters[1]!, pricing: null }] },
      // Published, but not in effect before 2999: it prices everything and must not count yet.
      { ...base, version: 2, status: 'published', effectiveFrom: '2999-01-01', publishedAt: '2020-06-01T00:00:00Z' },
      { ...base, version: 3, status: 'draft', effectiveFrom: '2020-02-01', publishedAt: null },
    ],
  });
}

describe('rated and unrated meters', () => {
  it('a meter is rated when the version in effect prices it (flat, tiers or free)', () => {
    const card = pricedCard();
    const version = versionInEffect(card, '2026-11-22');
    expect(version?.version).toBe(1);
    expect(pricedMeterKeys(version)).toEqual(new Set([VM_METER.replaceAll('-', '')]));
    expect(versionInEffect(card, '2019-12-31')).toBeNull();
    expect(pricedMeterKeys(null)).toEqual(new Set());
  });

  it('filters the meters by the rated set, and keeps them all when no card can tell', () => {
    const rows = [VM, EGRESS, IP];
    const rated = pricedMeterKeys(versionInEffect(pricedCard(), '2026-11-22'));
    const filter = { search: '', service: null, deprecatedOnly: false, unknownOnly: false };
    expect(filterMeters(rows, { ...filter, rating: 'rated' }, new Set(), rated)).toEqual([VM]);
    expect(filterMeters(rows, { ...filter, rating: 'unrated' }, new Set(), rated)).toEqual([EGRESS, IP]);
    expect(filterMeters(rows, { ...filter, rating: 'all' }, new Set(), rated)).toEqual(rows);
    expect(filterMeters(rows, { ...filter, rating: 'unrated' }, new Set(), null)).toEqual(rows);
  });

  it('defaults to the card published most recently', () => {
    const older = summaryOf(rateCard({ id: 'old', versions: [{ ...rateCard().versions[0]!, status: 'published',
      publishedAt: '2026-01-01T00:00:00Z' }] }));
    const newer = summaryOf(rateCard({ id: 'new', versions: [{ ...rateCard().versions[0]!, status: 'published',
      publishedAt: '2026-06-01T00:00:00Z' }] }));
    const draft = summaryOf(rateCard({ id: 'draft' }));
    expect(defaultCardId([older, newer, draft])).toBe('new');
    expect(defaultCardId([draft])).toBeNull();
  });

  it('suggests a new version\'s date after the last published one, and reads file formats by name', () => {
    expect(suggestEffectiveFrom(pricedCard(), new Date('2026-11-22T12:00:00Z'))).toBe('2999-01-02');
    expect(suggestEffectiveFrom(rateCard(), new Date('2026-12-22T12:00:00Z'))).toBe('2027-01-01');
    expect(importFormat('prices.CSV')).toBe('csv');
    expect(importFormat('standard.json')).toBe('json');
  });
});

const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

describe('the Meters view\'s rating filter', () => {
  const mounted: { unmount(): void }[] = [];

  beforeEach(() => {
    setActivePinia(createPinia());
    bridge.calls.length = 0;
    const card = pricedCard();
    bridge.handlers = {
      'connections:list': () => [],
      'meters:list': () => [VM, EGRESS, IP],
      'meters:unknown': () => [],
      'rates:list': () => [summaryOf(card)],
      'rates:get': () => card,
    };
  });

  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
    document.body.innerHTML = '';
  });

  it('tags the meters the card in effect does not price and narrows to them', async () => {
    const wrapper = mount(MetersView, {
      global: { plugins: [[PrimeVue as unknown as Plugin, { unstyled: true }], ToastService as unknown as Plugin] },
      attachTo: document.body,
    });
    mounted.push(wrapper);
    const nameCell = (id: string) =>
      document.querySelector(`[data-testid="meters-grid"] .ag-row[row-id="${id}"] [col-id="name"]`);
    await vi.waitFor(() => expect(nameCell(IP_METER)?.textContent).toBe('Static IP Address Usageunrated'));
    expect(nameCell(EGRESS_METER)?.textContent).toBe('BlobDataTransOutunrated');
    expect(nameCell(VM_METER)?.textContent).toBe('Base VM Size Hours');
    expect(bridge.callsOf('rates:get')).toEqual([['standard']]);

    useMetersStore().filter.rating = 'rated';
    await vi.waitFor(() => expect(wrapper.find('[data-testid="meters-shown"]').text()).toBe('· 1 shown'));
    await vi.waitFor(() => expect(nameCell(IP_METER)).toBeNull());
  });
});
