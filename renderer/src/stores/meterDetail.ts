import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  MeterDetail, MeterOverride, MeterOverrideInput, SeriesBucket, UsageSeries,
} from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { barRecords, type SelectedBar, type SeriesScope, type StackBy } from '../charts/meterSeries.ts';
import { latestLoad } from './latestLoad.ts';
import { useMetersStore } from './meters.ts';
import { useStampFilterStore } from './stampFilter.ts';

/** Hour buckets read raw records; the core takes at most this many days of them. */
export const MAX_HOUR_DAYS = 31;

const DAY_MS = 24 * 3600 * 1000;

/** How meter IDs compare: case and hyphens do not matter. */
const matchKey = (id: string): string => id.toLowerCase().replaceAll('-', '');

/** Days from the first to the last instant, rounded up; 0 when either is missing. */
function spanDays(from: string | null | undefined, to: string | null | undefined): number {
  if (!from || !to) return 0;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(to) ? `${to}T00:00:00Z` : to) -
    Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(from) ? `${from}T00:00:00Z` : from);
  return Math.ceil(ms / DAY_MS);
}

/**
 * One meter's page: its detail (row, unit in words, top users) and its series for the period of the meter pages and
 * the stamp filter's choice, the chart's bucket and stacking, the bar whose records are shown, and its local name.
 */
export const useMeterDetailStore = defineStore('meterDetail', () => {
  const meterId = ref<string | null>(null);
  const detail = ref<MeterDetail | null>(null);
  const series = ref<UsageSeries | null>(null);
  /** The local name (override) of the meter, if any. */
  const override = ref<MeterOverride | null>(null);
  /** The catalog does not know the meter (whether or not it has a local name). */
  const notInCatalog = ref(false);
  const loading = ref(false);
  const seriesLoading = ref(false);
  const error = ref<string | null>(null);
  const seriesError = ref<string | null>(null);
  const bucket = ref<SeriesBucket>('day');
  const stackBy = ref<StackBy>('tenant');
  const selected = ref<SelectedBar | null>(null);
  /** The scope the shown series was asked for (its bars' records are read with it). */
  const seriesScope = ref<SeriesScope | null>(null);
  const runDetail = latestLoad(loading, error);
  const runSeries = latestLoad(seriesLoading, seriesError);

  const period = computed(() => useMetersStore().period);

  /** How many days the hour buckets would cover: the period's, or the meter's cached span. */
  const hourSpanDays = computed(() => period.value
    ? spanDays(period.value.from, period.value.to)
    : spanDays(detail.value?.meter.firstUsage, detail.value?.meter.lastUsage));
  const hourAllowed = computed(() => hourSpanDays.value <= MAX_HOUR_DAYS);

  const records = computed(() => (series.value && seriesScope.value && selected.value
    ? barRecords(series.value, seriesScope.value, selected.value) : null));

  function scope(): { meterId: string; stamp?: string; period?: { from: string; to: string } } {
    useMetersStore().refreshPeriod();
    const stamp = useStampFilterStore().selected;
    return {
      meterId: meterId.value ?? '',
      ...(stamp === null ? {} : { stamp }),
      ...(period.value === undefined ? {} : { period: period.value }),
    };
  }

  /** Opens a meter (or reloads it): its detail, local name and series. */
  async function load(id: string): Promise<void> {
    if (meterId.value !== id) {
      detail.value = null;
      series.value = null;
      selected.value = null;
    }
    meterId.value = id;
    const applied = await runDetail(() => Promise.all([
      api['meters:detail'](scope()), api['meters:overrides'](), api['meters:unknown'](),
    ]), ([value, overrides, unknown]) => {
      const key = matchKey(value.meter.meterId);
      detail.value = value;
      override.value = overrides.find((o) => matchKey(o.meterId) === key) ?? null;
      notInCatalog.value = unknown.some((m) => matchKey(m.meterId) === key);
    }, () => {
      detail.value = null;
    });
    if (!applied) return;
    // An hour chart of a span the core refuses falls back to days rather than showing an error first.
    if (bucket.value === 'hour' && !hourAllowed.value) bucket.value = 'day';
    await loadSeries();
  }

  async function loadSeries(): Promise<void> {
    if (meterId.value === null) return;
    const query = { ...scope(), bucket: bucket.value, stackBy: stackBy.value };
    selected.value = null;
    await runSeries(() => api['meters:series'](query), (value) => {
      series.value = value;
      seriesScope.value = { meterId: query.meterId, stamp: query.stamp ?? null, period: query.period,
        stackBy: query.stackBy };
    }, () => {
      series.value = null;
    });
  }

  function setBucket(value: SeriesBucket): void {
    bucket.value = value;
    void loadSeries();
  }

  function setStackBy(value: StackBy): void {
    stackBy.value = value;
    void loadSeries();
  }

  function select(bar: SelectedBar | null): void {
    selected.value = bar;
  }

  /** Names the meter locally (or renames it), then shows it under that name. */
  async function saveOverride(input: MeterOverrideInput): Promise<MeterOverride> {
    const saved = await api['meters:override'](input);
    if (meterId.value !== null) await load(meterId.value);
    return saved;
  }

  return {
    meterId, detail, series, override, notInCatalog, loading, seriesLoading, error, seriesError, bucket, stackBy, selected,
    seriesScope, period, hourSpanDays, hourAllowed, records, load, loadSeries, setBucket, setStackBy, select,
    saveOverride,
  };
});
