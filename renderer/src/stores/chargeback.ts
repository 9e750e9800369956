import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  ADJUSTMENTS_ROW_KEY, type ChargebackGrouping, type ChargebackLine, type ChargebackQuery, type ChargebackResult,
  type ChargebackRow, type StatementDocument, type WhatIfOther, type WhatIfResult,
} from '../../../electron/shared/chargeback.ts';
import type { ExportResult, Granularity, UsagePeriod } from '../../../electron/shared/domain.ts';
import type { AdjustmentLine, RateCardSummary } from '../../../electron/shared/rating.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import { exclusiveEnd, utcDate } from '../format/time.ts';
import { presetChoice } from '../format/usagePeriod.ts';
import { defaultCardId } from './rateCards.ts';
import type { ExportChoice } from './statements.ts';
import { useStampFilterStore } from './stampFilter.ts';

/**
 * A chargeback run: a period's usage rated with a stored card and the stored adjustments, summed per tenant,
 * subscription, resource group, tag value or meter; the rated lines behind a row, the usage records behind a line; a
 * what-if against another card or version; and the statement that keeps it.
 */

export const GROUPINGS: readonly { value: ChargebackGrouping; label: string }[] = [
  { value: 'tenant', label: 'Tenant' },
  { value: 'subscription', label: 'Subscription' },
  { value: 'resourceGroup', label: 'Resource group' },
  { value: 'tag', label: 'Tag' },
  { value: 'meter', label: 'Meter' },
];

export interface ChargebackState {
  /** 'month': a calendar month (YYYY-MM); 'custom': inclusive UTC dates. */
  periodKind: 'month' | 'custom';
  month: string;
  from: string;
  through: string;
  rateCardId: string | null;
  by: ChargebackGrouping;
  /** The tag whose values the rows are, when grouping by tag. */
  tagKey: string;
  /** One stamp, or null for all (the shared stamp filter). */
  stamp: string | null;
  /** Which synced usage to rate; 'auto' lets the core choose (hourly where there is any). */
  granularity: 'auto' | Granularity;
}

export const GRANULARITIES: readonly { value: ChargebackState['granularity']; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  { value: 'Hourly', label: 'Hourly usage' },
  { value: 'Daily', label: 'Daily usage' },
];

/** The last calendar month that has ended (UTC): what a chargeback is usually run for. */
export function lastWholeMonth(now: Date): string {
  return presetChoice('lastMonth', now).from.slice(0, 7);
}

/** The contract period of a state (whole UTC days, `to` excluded); null while the dates are incomplete. */
function periodOfState(state: ChargebackState): UsagePeriod | null {
  if (state.periodKind === 'month') {
    const match = /^(\d{4})-(\d{2})$/.exec(state.month);
    if (!match) return null;
    const year = Number(match[1]);
    const month = Number(match[2]) - 1;
    return { from: utcDate(new Date(Date.UTC(year, month, 1))), to: utcDate(new Date(Date.UTC(year, month + 1, 1))) };
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(state.from) || !/^\d{4}-\d{2}-\d{2}$/.test(state.through)) return null;
  if (state.from > state.through) return null;
  return { from: state.from, to: exclusiveEnd(state.through) };
}

/** Why the state cannot be run yet, in words; null when it can. */
export function chargebackProblem(state: ChargebackState): string | null {
  if (state.rateCardId === null) return 'Choose a rate card.';
  if (state.periodKind === 'month' && periodOfState(state) === null) return 'Choose the month.';
  if (state.periodKind === 'custom') {
    if (!state.from || !state.through) return 'Choose both dates of the period.';
    if (state.from > state.through) return 'The period\'s first day must be on or before its last day.';
  }
  if (state.by === 'tag' && state.tagKey.trim() === '') return 'Type the tag key whose values the rows are.';
  return null;
}

/** The contract query of a state; null while it cannot be run (chargebackProblem says why). */
export function buildChargebackQuery(state: ChargebackState): ChargebackQuery | null {
  const period = periodOfState(state);
  if (chargebackProblem(state) !== null || period === null || state.rateCardId === null) return null;
  const query: ChargebackQuery = { period, rateCardId: state.rateCardId, by: state.by };
  if (state.by === 'tag') query.tagKey = state.tagKey.trim();
  if (state.stamp !== null) query.stamps = [state.stamp];
  if (state.granularity !== 'auto') query.granularity = state.granularity;
  return query;
}

/** The row of a grouping that an adjustment line is counted in (as the core sums them). */
function adjustmentRowKey(by: ChargebackGrouping, line: Pick<AdjustmentLine, 'tenantId' | 'subscriptionId'>):
  string {
  if (by === 'tenant') return line.tenantId ?? '(unknown tenant)';
  if (by === 'subscription' && line.subscriptionId !== null) return line.subscriptionId;
  return ADJUSTMENTS_ROW_KEY;
}

/** The adjustment lines counted in a row. */
export function adjustmentLinesOf(result: ChargebackResult, row: ChargebackRow): AdjustmentLine[] {
  const key = row.key.toLowerCase();
  return result.adjustmentLines.filter((line) => adjustmentRowKey(result.by, line).toLowerCase() === key);
}

export const useChargebackStore = defineStore('chargeback', () => {
  const stampFilter = useStampFilterStore();

  const periodKind = ref<'month' | 'custom'>('month');
  const month = ref(lastWholeMonth(new Date()));
  const from = ref('');
  const through = ref('');
  const rateCardId = ref<string | null>(null);
  const by = ref<ChargebackGrouping>('tenant');
  const tagKey = ref('');
  const granularity = ref<ChargebackState['granularity']>('auto');

  const cards = ref<RateCardSummary[]>([]);
  const cardsLoaded = ref(false);
  const result = shallowRef<ChargebackResult | null>(null);
  /** The query the result answers: the lines behind its rows are asked with it. */
  const ranQuery = shallowRef<ChargebackQuery | null>(null);
  const running = ref(false);
  const error = ref<string | null>(null);
  const selectedRow = shallowRef<ChargebackRow | null>(null);
  const selectedLine = shallowRef<ChargebackLine | null>(null);

  const whatIfOther = ref<WhatIfOther | null>(null);
  const whatIf = shallowRef<WhatIfResult | null>(null);
  const whatIfRunning = ref(false);
  const whatIfError = ref<string | null>(null);
  const creating = ref(false);
  /** The export being written (an ExportChoice id), for its button's spinner. */
  const exporting = ref<string | null>(null);
  let latest = 0;

  const state = computed<ChargebackState>(() => ({
    periodKind: periodKind.value, month: month.value, from: from.value, through: through.value,
    rateCardId: rateCardId.value, by: by.value, tagKey: tagKey.value, stamp: stampFilter.selected,
    granularity: granularity.value,
  }));
  const problem = computed(() => (cardsLoaded.value && cards.value.length === 0
    ? 'There is no rate card yet: create one under Rate cards and publish it.'
    : chargebackProblem(state.value)));
  const query = computed(() => buildChargebackQuery(state.value));
  const card = computed(() => cards.value.find((c) => c.id === rateCardId.value) ?? null);

  /** Loads the cards and picks the most recently published one when none is chosen (or the chosen one is gone). */
  async function loadCards(): Promise<void> {
    cards.value = await api['rates:list']();
    cardsLoaded.value = true;
    if (rateCardId.value === null || !cards.value.some((c) => c.id === rateCardId.value)) {
      rateCardId.value = defaultCardId(cards.value) ?? cards.value[0]?.id ?? null;
    }
  }

  /** Runs the current question; only the answer to the latest one is kept. */
  async function run(): Promise<void> {
    const asked = query.value;
    const request = ++latest;
    selectedRow.value = null;
    selectedLine.value = null;
    whatIf.value = null;
    whatIfError.value = null;
    if (asked === null) {
      result.value = null;
      ranQuery.value = null;
      running.value = false;
      return;
    }
    running.value = true;
    try {
      const answer = await api['chargeback:run'](asked);
      if (request !== latest) return;
      result.value = answer;
      ranQuery.value = asked;
      error.value = null;
    } catch (err) {
      if (request !== latest) return;
      result.value = null;
      ranQuery.value = null;
      error.value = errorMessage(err);
    } finally {
      if (request === latest) running.value = false;
    }
  }

  function selectRow(row: ChargebackRow | null): void {
    selectedRow.value = row;
    selectedLine.value = null;
  }

  function selectLine(line: ChargebackLine | null): void {
    selectedLine.value = line;
  }

  /** Compares the run's card with another card, or with one version of a card pricing the whole period, per tenant. */
  async function compare(other: WhatIfOther): Promise<void> {
    const asked = ranQuery.value;
    if (!asked) return;
    whatIfOther.value = other;
    whatIfRunning.value = true;
    try {
      whatIf.value = await api['chargeback:whatIf'](asked, other);
      whatIfError.value = null;
    } catch (err) {
      whatIf.value = null;
      whatIfError.value = errorMessage(err);
    } finally {
      whatIfRunning.value = false;
    }
  }

  function closeWhatIf(): void {
    whatIf.value = null;
    whatIfError.value = null;
  }

  /** Keeps the run's period, card, stamps and the granularity it rated as a draft statement. */
  async function createStatement(): Promise<StatementDocument> {
    const asked = ranQuery.value;
    const answer = result.value;
    if (!asked || !answer) throw new Error('Run the chargeback first.');
    creating.value = true;
    try {
      return await api['statements:create']({
        period: asked.period, rateCardId: asked.rateCardId, ...(asked.stamps ? { stamps: asked.stamps } : {}),
        granularity: answer.granularity,
      });
    } finally {
      creating.value = false;
    }
  }

  /**
   * Writes the run to the exports folder: CSV or Excel of its rows, or the statement it would make as PDF (marked
   * DRAFT) or FOCUS, without saving a statement. The browser downloads the files; the desktop app leaves them there.
   */
  async function exportAs(choice: ExportChoice): Promise<{ results: ExportResult[]; downloaded: boolean }> {
    const asked = ranQuery.value;
    if (!asked) throw new Error('Run the chargeback first.');
    exporting.value = choice.id;
    try {
      const results = choice.pdfLayout === undefined
        ? await api['chargeback:export'](asked, choice.format)
        : await api['chargeback:export'](asked, choice.format, choice.pdfLayout);
      const downloaded = await deliverExports(results);
      return { results, downloaded };
    } finally {
      exporting.value = null;
    }
  }

  return {
    periodKind, month, from, through, rateCardId, by, tagKey, granularity, cards, cardsLoaded, result, ranQuery, running, error,
    selectedRow, selectedLine, whatIfOther, whatIf, whatIfRunning, whatIfError, creating, exporting, state, problem,
    query, card, loadCards, run, selectRow, selectLine, compare, closeWhatIf, createStatement, exportAs,
  };
});
