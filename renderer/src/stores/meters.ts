import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  MeterOverride, MeterOverrideInput, MeterOverridesImportResult, MeterQuery, MeterRow, UsagePeriod,
} from '../../../electron/shared/domain.ts';
import { describeIssues, meterOverridesFileSchema } from '../../../electron/shared/schemas.ts';
import type { RateCardSummary } from '../../../electron/shared/rating.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { meterKey } from '../components/rates/rateRows.ts';
import { utcDate } from '../format/time.ts';
import { presetChoice, presetOptions, toUsagePeriod } from '../format/usagePeriod.ts';
import { latestLoad } from './latestLoad.ts';
import { defaultCardId, pricedMeterKeys, versionInEffect } from './rateCards.ts';
import { useStampFilterStore } from './stampFilter.ts';

/** The periods the meter pages offer, as whole UTC days. */
export type MeterPeriodPreset = 'all' | 'thisMonth' | 'lastMonth' | 'last30';

export const METER_PERIOD_PRESETS = presetOptions<MeterPeriodPreset>(['all', 'thisMonth', 'lastMonth', 'last30']);

/** The contract period of a preset on the UTC day of `now` (today included); undefined for all cached usage. */
export function meterPeriod(preset: MeterPeriodPreset, now: Date): UsagePeriod | undefined {
  return toUsagePeriod(presetChoice(preset, now));
}

/** What the meters grid narrows its rows by, besides the period and stamp the core counts. */
export interface MeterListFilter {
  /** Words that must each appear in the ID (hyphens optional), name, service or unit. */
  search: string;
  /** One service, or null for all. */
  service: string | null;
  deprecatedOnly: boolean;
  unknownOnly: boolean;
  /** Meters the chosen rate card prices today ('rated': flat, tiers or free) or does not ('unrated'); absent: all. */
  rating?: 'all' | 'rated' | 'unrated';
}

/** Lower case without hyphens: how meter IDs compare, since the API sends them with and without hyphens. */
const idKey = (text: string): string => text.toLowerCase().replaceAll('-', '');

/**
 * Whether a meter matches a search: every word of it (any case) appears in the name, service or unit, or is a fragment
 * of the meter ID written with or without its hyphens (`b5c15376-6c94`, `b5c153766c94` and `76-6C` all match).
 */
export function matchesMeterSearch(meter: Pick<MeterRow, 'meterId' | 'name' | 'service' | 'unit'>, search: string):
  boolean {
  const words = search.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const text = `${meter.name}\n${meter.service}\n${meter.unit}`.toLowerCase();
  const id = idKey(meter.meterId);
  return words.every((word) => text.includes(word) || (idKey(word) !== '' && id.includes(idKey(word))));
}

/**
 * The rows a filter keeps; `unknown` holds the IDs of meters the catalog does not know, `rated` the meter keys
 * (meterKey) the chosen rate card prices today (null: no card to tell, so the rating filter keeps everything).
 */
export function filterMeters(rows: readonly MeterRow[], filter: MeterListFilter, unknown: ReadonlySet<string>,
  rated: ReadonlySet<string> | null = null): MeterRow[] {
  const rating = rated === null ? 'all' : filter.rating ?? 'all';
  return rows.filter((m) =>
    (filter.service === null || m.service === filter.service) &&
    (!filter.deprecatedOnly || m.deprecated === true) &&
    (!filter.unknownOnly || unknown.has(m.meterId)) &&
    (rating === 'all' || rated?.has(meterKey(m.meterId)) === (rating === 'rated')) &&
    matchesMeterSearch(m, filter.search));
}

/** The overrides file `stackmeter meters overrides export` writes, from the overrides the core holds. */
export function overridesFileText(overrides: readonly MeterOverride[]): string {
  const file = {
    format: 'stackmeter-meter-overrides' as const,
    version: 1 as const,
    overrides: overrides.map((o): MeterOverrideInput => ({
      meterId: o.meterId,
      name: o.name,
      ...(o.unit === null ? {} : { unit: o.unit }),
      ...(o.service === null ? {} : { service: o.service }),
      ...(o.description === null ? {} : { description: o.description }),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Reads an overrides file as the CLI does: the whole file or nothing, a bad one named with the entry and field at
 * fault (`entry 3 field name: is required`).
 */
export function parseOverridesFile(fileName: string, text: string): MeterOverrideInput[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = meterOverridesFileSchema.safeParse(data);
  if (parsed.success) return parsed.data.overrides;
  const issue = parsed.error.issues[0];
  const [top, index, field] = issue?.path ?? [];
  if (top === 'overrides' && typeof index === 'number') {
    return fail(`${fileName}: entry ${index + 1}${field === undefined ? '' : ` field ${String(field)}`}: ` +
      `${issue?.message ?? 'is invalid'}`);
  }
  return fail(`${fileName}: ${describeIssues(parsed.error)} (expected a Stackmeter meter overrides file)`);
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * The meters with their totals over the chosen period (for the stamp filter's choice), the meters the catalog does not
 * know, and the local names that can be exported and imported. The period is shared with the meter pages.
 */
export const useMetersStore = defineStore('meters', () => {
  const rows = ref<MeterRow[]>([]);
  /** The stamp the shown rows are for (null: all). */
  const shownFor = ref<string | null>(null);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const preset = ref<MeterPeriodPreset>('all');
  /** IDs of meters seen in usage that the catalog does not know (named locally or not). */
  const unknownIds = ref<ReadonlySet<string>>(new Set());
  const filter = ref<MeterListFilter>({
    search: '', service: null, deprecatedOnly: false, unknownOnly: false, rating: 'all',
  });
  const run = latestLoad(loading, error);
  /** The rate cards, the one that tells rated from unrated meters, and the meters its version in effect prices. */
  const ratingCards = ref<RateCardSummary[]>([]);
  const ratingCardId = ref<string | null>(null);
  const ratingVersion = ref<number | null>(null);
  const ratedKeys = ref<ReadonlySet<string> | null>(null);
  const ratingError = ref<string | null>(null);

  /** When the presets were last resolved: each load takes the current day, so "this month" follows midnight. */
  const now = ref(new Date());
  const period = computed(() => meterPeriod(preset.value, now.value));
  const services = computed(() => [...new Set(rows.value.map((r) => r.service))].sort((a, b) => a.localeCompare(b)));

  /** Resolves the preset on today's date (a page open across midnight moves with the day). */
  function refreshPeriod(): void {
    const current = new Date();
    if (utcDate(current) !== utcDate(now.value)) now.value = current;
  }

  function query(): MeterQuery | undefined {
    refreshPeriod();
    const stamp = useStampFilterStore().query();
    const when = period.value;
    if (stamp === undefined && when === undefined) return undefined;
    return { ...stamp, ...(when === undefined ? {} : { period: when }) };
  }

  async function load(): Promise<void> {
    const stamp = useStampFilterStore().selected;
    await run(() => Promise.all([api['meters:list'](query()), api['meters:unknown']()]), ([value, unknown]) => {
      rows.value = value;
      unknownIds.value = new Set(unknown.map((m) => m.meterId));
      shownFor.value = stamp;
      loaded.value = true;
    });
  }

  /**
   * Reads which meters a rate card prices with the version in effect today (UTC): the card chosen, else the one
   * published most recently. Without a published version in effect, no meter is rated.
   */
  async function loadRating(cardId?: string): Promise<void> {
    try {
      ratingCards.value = await api['rates:list']();
      const wanted = cardId ?? ratingCardId.value;
      const id = wanted !== null && ratingCards.value.some((c) => c.id === wanted) ? wanted
        : defaultCardId(ratingCards.value) ?? ratingCards.value[0]?.id ?? null;
      ratingCardId.value = id;
      if (id === null) {
        ratedKeys.value = null;
        ratingVersion.value = null;
      } else {
        const version = versionInEffect(await api['rates:get'](id), utcDate(new Date()));
        ratingVersion.value = version?.version ?? null;
        ratedKeys.value = pricedMeterKeys(version);
      }
      ratingError.value = null;
    } catch (err) {
      ratingError.value = errorMessage(err);
    }
  }

  function choosePeriod(value: MeterPeriodPreset): void {
    now.value = new Date();
    preset.value = value;
  }

  /** The local names as an overrides file, to save and share. */
  async function exportOverrides(): Promise<{ text: string; count: number }> {
    const overrides = await api['meters:overrides']();
    return { text: overridesFileText(overrides), count: overrides.length };
  }

  /** Reads an overrides file and stores every entry in it, or none; the meters are reloaded to show the names. */
  async function importOverrides(fileName: string, text: string): Promise<MeterOverridesImportResult> {
    const result = await api['meters:importOverrides'](parseOverridesFile(fileName, text));
    await load();
    return result;
  }

  return {
    rows, shownFor, loaded, loading, error, preset, period, unknownIds, filter, services, load, choosePeriod,
    refreshPeriod, exportOverrides, importOverrides,
    ratingCards, ratingCardId, ratingVersion, ratedKeys, ratingError, loadRating,
  };
});
