import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import Select from 'primevue/select';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h } from 'vue';
import { createDispatcher } from '../../../electron/core/dispatch.ts';
import { createCore } from '../../../electron/core/index.ts';
import type { Core } from '../../../electron/core/types.ts';
import { BRIDGE_KEY, type Bridge, type Method } from '../../../electron/shared/contract.ts';
import type { Adjustment } from '../../../electron/shared/rating.ts';
import {
  type AdjustmentForm, FIELDS_OF, adjustmentOf, datesText, emptyForm, fieldErrorsOf, formOf, formProblems, scopeText,
  suggestId, valueText,
} from '../../../renderer/src/components/adjustments/adjustmentForm.ts';
import AdjustmentDialog from '../../../renderer/src/components/adjustments/AdjustmentDialog.vue';
import { READ_ONLY_TITLE } from '../../../renderer/src/readOnly/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.ts';
import AdjustmentsView from '../../../renderer/src/views/AdjustmentsView.vue';
import { importSummary, parseAdjustmentsFile, useAdjustmentsStore } from '../../../renderer/src/stores/adjustments.ts';

// The console's adjustment dialog and store against the real core (an in-memory cache behind the same dispatcher as
// IPC and the HTTP server), so that the refusals read here are the ones a person reads.

let dir: string;
let core: Core;
const calls: { method: string; args: unknown[] }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-adjustments-'));
  core = createCore({ dbPath: ':memory:', exportDir: dir, log: { info() {}, warn() {}, error() {} } });
  const dispatch = createDispatcher(core);
  const bridge: Bridge = {
    invoke: (method: Method, args: unknown[]) => {
      calls.push({ method, args });
      return dispatch(method, args);
    },
    on: () => () => {},
  } as Bridge;
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

afterAll(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = { tenants: new Map([['contoso.example', 'contoso.example']]),
  subscriptions: new Map([['4f1c', 'Dev lab']]) };

const EXAMPLES: Adjustment[] = [
  { id: 'tax-1', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '20' },
  { id: 'markup-1', label: 'Support', scope: { kind: 'tenant', tenantId: 'contoso.example' }, type: 'markup',
    percent: '12.5' },
  { id: 'po-1', label: 'Cheaper VMs', scope: { kind: 'offer', offerId: 'gold' }, type: 'price-override',
    meterId: 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5', unitPrice: '0.01' },
  { id: 'fee-1', label: 'Backup', scope: { kind: 'subscription', subscriptionId: '4f1c' }, type: 'recurring-fee',
    monthlyAmount: '250', from: '2026-01-01', to: null },
  { id: 'credit-1', label: 'Outage', scope: { kind: 'all' }, type: 'credit', amount: '40', date: '2026-03-15' },
];

describe('the adjustment form', () => {
  it('gives back exactly the adjustment it was opened with, for every type', () => {
    for (const adjustment of EXAMPLES) expect(adjustmentOf(formOf(adjustment))).toEqual(adjustment);
  });

  it('shows only the fields of the chosen type and sends only those', () => {
    expect(FIELDS_OF.tax).toEqual(['percent']);
    expect(FIELDS_OF['recurring-fee']).toEqual(['monthlyAmount', 'from', 'to']);
    const form: AdjustmentForm = { ...formOf(EXAMPLES[3]!), type: 'minimum-charge', percent: '99' };
    expect(adjustmentOf(form)).toEqual({ id: 'fee-1', label: 'Backup', type: 'minimum-charge',
      scope: { kind: 'subscription', subscriptionId: '4f1c' }, monthlyAmount: '250' });
  });

  it('names missing and malformed values before anything is sent, and leaves ranges to the core', () => {
    const form = { ...emptyForm('discount'), id: 'my discount', scopeKind: 'tenant' as const };
    const problems = formProblems(form);
    expect(Object.keys(problems).sort()).toEqual(['id', 'percent', 'scope']);
    expect(problems.id).toMatch(/^ID may contain letters, digits/);
    expect(formProblems({ ...form, id: 'd1', scopeTarget: 't1', percent: '12 %' }).percent)
      .toMatch(/^Percent is not a decimal number/);
    expect(formProblems({ ...form, id: 'd1', scopeTarget: 't1', percent: '12,5' })).toEqual({});
    expect(adjustmentOf({ ...form, percent: '12,5' })).toMatchObject({ percent: '12.5' });
    expect(formProblems({ ...form, id: 'd1', scopeTarget: 't1', percent: '120' })).toEqual({});
  });

  it('reads in words in the list', () => {
    expect(EXAMPLES.map((a) => scopeText(a.scope, names))).toEqual([
      'All tenants', 'Tenant contoso.example', 'Offer gold', 'Subscription Dev lab (4f1c)', 'All tenants']);
    expect(EXAMPLES.map((a) => valueText(a, (id) => (id.startsWith('fab6') ? 'Windows VM Size Hours' : null))))
      .toEqual(['20 %', '+12.5 %', '0.01 per unit of Windows VM Size Hours', '250 per month', '−40']);
    expect(EXAMPLES.map(datesText))
      .toEqual(['every month', 'every month', 'every month', 'from 2026-01-01', 'on 2026-03-15']);
    expect(suggestId('tax', ['tax-1', 'TAX-2'])).toBe('tax-3');
  });
});

describe('refusals from the core, by field', () => {
  beforeEach(() => setActivePinia(createPinia()));

  async function refusal(adjustment: unknown): Promise<string> {
    const store = useAdjustmentsStore();
    return store.save(adjustment as Adjustment, 'test').then(() => 'saved', (err: Error) => err.message);
  }

  it('puts the engine\'s problems next to their fields', async () => {
    const message = await refusal({ id: 'd1', label: '', scope: { kind: 'all' }, type: 'discount', percent: '120' });
    expect(message).toContain('Must be at most 100 (got 120)');
    expect(fieldErrorsOf(message)).toEqual({ percent: 'Must be at most 100 (got 120).' });

    const fee = await refusal({ id: 'f1', label: '', scope: { kind: 'all' }, type: 'recurring-fee',
      monthlyAmount: '-5', from: '2026-03-01', to: '2026-02-01' });
    expect(fieldErrorsOf(fee)).toEqual({ monthlyAmount: 'Must not be negative (got -5).',
      to: 'The fee must stop after it starts (2026-03-01).' });
  });

  it('puts refused arguments and clashing price overrides next to their fields', async () => {
    const message = await refusal({ id: 'bad id', label: '', scope: { kind: 'all' }, type: 'tax', percent: '1' });
    expect(fieldErrorsOf(message).id).toMatch(/^may contain letters, digits/);

    const override = { label: '', scope: { kind: 'all' }, type: 'price-override', meterId: 'abc-1', unitPrice: '1' };
    expect(await refusal({ ...override, id: 'o1' })).toBe('saved');
    const clash = await refusal({ ...override, id: 'o2' });
    expect(fieldErrorsOf(clash).meterId).toContain('Adjustment "o1" already overrides the price of meter abc-1');
    await useAdjustmentsStore().remove('o1', 'test');
  });
});

describe('adjustments files read in the browser', () => {
  it('takes an exported file and names the entry and field of a bad one', () => {
    const file = JSON.stringify({ format: 'stackmeter-adjustments', version: 1, adjustments: EXAMPLES });
    expect(parseAdjustmentsFile('a.json', `\uFEFF${file}`)).toEqual(EXAMPLES);
    const bad = JSON.stringify({ format: 'stackmeter-adjustments', version: 1,
      adjustments: [EXAMPLES[0], { ...EXAMPLES[1], percent: 12 }] });
    expect(() => parseAdjustmentsFile('b.json', bad))
      .toThrow(/^b\.json is not a Stackmeter adjustments file: adjustments\[1\]\.percent /);
    expect(() => parseAdjustmentsFile('c.json', '{')).toThrow(/^c\.json is not JSON/);
    expect(importSummary({ added: ['a', 'b'], replaced: [], unchanged: ['c'] })).toBe('2 added, 1 unchanged');
  });
});

describe('the adjustment dialog', () => {
  const plugins = [PrimeVue] as unknown as Plugin[];
  const mounted: { unmount(): void }[] = [];
  afterEach(() => {
    mounted.splice(0).forEach((w) => w.unmount());
    document.body.innerHTML = '';
  });

  const field = <T extends HTMLElement = HTMLInputElement>(testid: string) =>
    document.querySelector<T>(`[data-testid="${testid}"]`);
  async function type(testid: string, value: string): Promise<void> {
    const input = field(testid)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await flushPromises();
  }

  it('keeps what was typed when the core refuses it, shows why by the field, then saves the fix', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const wrapper = mount(AdjustmentDialog, { props: { visible: true, adjustment: null },
      global: { plugins: [pinia, ...plugins] }, attachTo: document.body });
    mounted.push(wrapper);
    await flushPromises();
    expect(field('adj-id')!.value).toBe('markup-1');
    wrapper.findComponent(Select).vm.$emit('update:modelValue', 'discount');
    await flushPromises();
    expect(field('adj-id')!.value).toBe('discount-1');
    expect(field('adj-monthlyAmount')).toBeNull();
    const saves = () => calls.filter((c) => c.method === 'adjustments:save').length;
    const savesBefore = saves();
    await type('adj-label', 'Pilot discount');
    await type('adj-percent', '120');

    field<HTMLButtonElement>('adj-save')!.click();
    await flushPromises();
    expect(field('adj-error-reason')?.textContent).toBe('Say why, for the audit log.');
    expect(saves()).toBe(savesBefore);

    await type('adj-reason', 'Pilot tenants');
    field<HTMLButtonElement>('adj-save')!.click();
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    await flushPromises();
    expect(saves()).toBe(savesBefore + 1);
    expect(field('adj-error-percent')?.textContent).toBe('Must be at most 100 (got 120).');
    // Said beside the field it is about, not twice.
    expect(field('adj-refusal')).toBeNull();
    expect(field('adj-percent')!.value).toBe('120');
    expect(field<HTMLTextAreaElement>('adj-reason')!.value).toBe('Pilot tenants');
    expect(wrapper.emitted('saved')).toBeUndefined();

    await type('adj-percent', '15');
    expect(field('adj-error-percent')).toBeNull();
    field<HTMLButtonElement>('adj-save')!.click();
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
    await flushPromises();
    expect(wrapper.emitted('saved')?.[0]).toEqual([{ id: 'discount-1', label: 'Pilot discount', type: 'discount',
      scope: { kind: 'all' }, percent: '15' }, true]);
    expect(await core['adjustments:list']()).toContainEqual(expect.objectContaining({ id: 'discount-1',
      percent: '15' }));
  });
});

describe('the Adjustments view in auditor mode', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists the adjustments and locks every control that would change them', async () => {
    await core['adjustments:save']({ id: 'tax-9', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '20' },
      'test');
    const pinia = createPinia();
    setActivePinia(pinia);
    useAppStore().info = { version: '1.0.0', dbPath: '/tmp/x.sqlite', canProtectSecrets: false, readOnly: {
      source: 'cache', path: '/evidence/stackmeter.sqlite', fingerprint: null, openedAt: '2026-12-03T09:00:00Z',
      bundle: null } };
    const wrapper = mount(defineComponent(() => () => h(AdjustmentsView)),
      { global: { plugins: [pinia, PrimeVue, ToastService] as unknown as Plugin[] }, attachTo: document.body });
    await vi.waitFor(() => expect(document.querySelector('[data-testid="adjustments-grid"]')?.textContent)
      .toContain('tax-9'));
    for (const id of ['adjustments-new', 'adjustments-import', 'adjustments-edit', 'adjustments-remove']) {
      const button = document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!;
      expect(button.disabled, id).toBe(true);
      expect(button.title, id).toBe(READ_ONLY_TITLE);
    }
    // Reading is not changing: the file can still be exported.
    expect(document.querySelector<HTMLButtonElement>('[data-testid="adjustments-export"]')!.disabled).toBe(false);
    wrapper.unmount();
  });
});
