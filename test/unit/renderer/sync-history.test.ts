import { flushPromises, mount } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import SyncHistoryGrid from '../../../renderer/src/components/SyncHistoryGrid.vue';
import { syncRun } from './rows.ts';

const primeVue = PrimeVue as unknown as Plugin;

const WINDOW_ERRORS = [
  'subscriber 4f0c2a57-8d7e-4a6b-9c1d-2e3f4a5b6c7d, 2024-05-02T00:00Z–2024-05-03T00:00Z, page 3: truncated JSON',
  'subscriber 9a1b2c3d-0000-4a6b-9c1d-2e3f4a5b6c7d, 2024-05-04T00:00Z–2024-05-05T00:00Z: HTTP 500 after 5 retries',
];

const runs = [
  syncRun({ id: 1, startedAt: '2024-06-01T10:00:00Z' }),
  syncRun({
    id: 2, status: 'partial', startedAt: '2024-06-02T10:00:00Z', windows: 60, windowsDone: 58, retries: 7,
    error: '2 of 60 windows failed; the next sync retries them.', errorCode: 'API', windowErrors: WINDOW_ERRORS,
  }),
];

const mounted: { unmount(): void }[] = [];

async function mountGrid() {
  const wrapper = mount(SyncHistoryGrid, {
    props: { runs },
    global: { plugins: [[primeVue, { unstyled: true }]] },
    attachTo: document.body,
  });
  mounted.push(wrapper);
  // AG Grid renders its rows asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await flushPromises();
  return wrapper;
}

const rowOf = (id: number) => document.querySelector<HTMLElement>(`[data-testid="sync-history"] .ag-row[row-id="${id}"]`);

/** Clicks a cell as a user would and waits until the grid has told the component about the new selection. */
async function clickCell(id: number, column: string) {
  rowOf(id)!.querySelector<HTMLElement>(`[col-id="${column}"]`)!.click();
  await vi.waitFor(() => expect(document.querySelector('[data-testid="run-details"]')?.getAttribute('data-run'))
    .toBe(String(id)));
}

describe('SyncHistoryGrid', () => {
  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  });

  it('shows windows done of planned, retries and the status in words', async () => {
    await mountGrid();
    const partial = rowOf(2);
    expect(partial?.querySelector('[col-id="windows"]')?.textContent).toBe('58/60');
    expect(partial?.querySelector('[col-id="retries"]')?.textContent).toBe('7');
    expect(partial?.querySelector('[col-id="status"]')?.textContent).toBe('Partial');
    expect(partial?.querySelector('[col-id="errors"]')?.textContent)
      .toBe('2 of 60 windows failed; the next sync retries them.');
  });

  it('opens a run\'s details on click, with its error and every window error in full', async () => {
    const wrapper = await mountGrid();
    expect(wrapper.find('[data-testid="run-details"]').exists()).toBe(false);

    await clickCell(2, 'errors');

    const details = wrapper.find('[data-testid="run-details"]');
    expect(details.attributes('data-run')).toBe('2');
    expect(details.find('[data-testid="run-error"]').text()).toContain('2 of 60 windows failed');
    expect(details.findAll('[data-testid="window-error"]').map((li) => li.text())).toEqual(WINDOW_ERRORS);
    expect(details.text()).toContain('Some windows failed — the next sync retries them.');

    await details.find('[data-testid="run-details-close"]').trigger('click');
    expect(wrapper.find('[data-testid="run-details"]').exists()).toBe(false);
  });

  it('says so when a selected run had no errors', async () => {
    const wrapper = await mountGrid();
    await clickCell(1, 'status');
    expect(wrapper.find('[data-testid="run-details"]').text()).toContain('No errors.');
  });

  it('opens a run\'s details from the keyboard with Enter', async () => {
    const wrapper = await mountGrid();
    const cell = rowOf(2)!.querySelector<HTMLElement>('[col-id="records"]')!;
    cell.focus();
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await vi.waitFor(() => expect(wrapper.find('[data-testid="run-details"]').attributes('data-run')).toBe('2'));
  });
});
