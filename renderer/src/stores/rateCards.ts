import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { RateCardFileFormat } from '../../../electron/shared/contract.ts';
import type { ExportResult, MeterRow } from '../../../electron/shared/domain.ts';
import type {
  RateCard, RateCardDraft, RateCardInput, RateCardSummary, RateCardVersion,
} from '../../../electron/shared/rating.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import {
  type CellProblem, type MappedProblems, type RateField, type RateRow, type TierText, buildRows, draftMeters,
  mapProblems, meterKey, rowProblems,
} from '../components/rates/rateRows.ts';
import { utcDate } from '../format/time.ts';
import { useAppStore } from './app.ts';
import { latestLoad } from './latestLoad.ts';

/**
 * Rate cards: the list, the card and version open in the editor, and the editor's rows (the meter catalog joined
 * with the version's meter rates). Only drafts are edited; a published version is shown read-only. Problems come from
 * two places: what the editor can see as the user types (text that is not a number, a negative price, a missing
 * conversion), and what the core's validation returns when the draft is saved, by path.
 */

/** The card whose latest publication is the most recent: the one an operator most likely means. */
export function defaultCardId(cards: readonly RateCardSummary[]): string | null {
  let best: { id: string; at: string } | null = null;
  for (const card of cards) {
    for (const version of card.versions) {
      if (version.publishedAt !== null && (best === null || version.publishedAt > best.at)) {
        best = { id: card.id, at: version.publishedAt };
      }
    }
  }
  return best?.id ?? null;
}

/** The version of a card in effect on a UTC day: the published one with the latest effective date on or before it. */
export function versionInEffect(card: RateCard, day: string): RateCardVersion | null {
  let found: RateCardVersion | null = null;
  for (const version of card.versions) {
    if (version.status !== 'published' || version.effectiveFrom > day) continue;
    if (found === null || version.effectiveFrom > found.effectiveFrom) found = version;
  }
  return found;
}

/** The meter keys (meterKey) a version prices: flat, tiers or explicitly free. Listed without a price is unrated. */
export function pricedMeterKeys(version: RateCardVersion | null): Set<string> {
  return new Set((version?.meters ?? []).filter((m) => m.pricing !== null).map((m) => meterKey(m.meterId)));
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Where a new version takes effect unless changed: the first day of next month (UTC), or the day after the last
 * published version's effective date if that is later (a new version must take effect after the last one).
 */
export function suggestEffectiveFrom(card: RateCard, now: Date): string {
  const nextMonth = utcDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
  const latest = card.versions.filter((v) => v.status === 'published').map((v) => v.effectiveFrom).sort().at(-1);
  if (!latest) return nextMonth;
  const after = utcDate(new Date(Date.parse(`${latest}T00:00:00Z`) + DAY_MS));
  return after > nextMonth ? after : nextMonth;
}

/** The file format of an imported rate card, from its name. */
export function importFormat(fileName: string): RateCardFileFormat {
  return /\.csv$/i.test(fileName) ? 'csv' : 'json';
}

/** One entry of the problems list under the grid. */
export interface ListedProblem {
  /** The row it is about; null for the version's own fields. */
  key: string | null;
  field: RateField | 'effectiveFrom' | 'note' | null;
  where: string;
  message: string;
  blocking: boolean;
}

const emptyProblems = (): MappedProblems => ({ cells: new Map(), general: [] });

export const useRateCardsStore = defineStore('rateCards', () => {
  const cards = ref<RateCardSummary[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const card = shallowRef<RateCard | null>(null);
  const versionNumber = ref<number | null>(null);
  const opening = ref(false);
  /** Every catalog meter, seen in usage or not: the editor's rows. */
  const catalog = shallowRef<MeterRow[]>([]);
  /** Plain (non-reactive) objects that the grid edits in place; `revision` says when they changed. */
  const rows = shallowRef<RateRow[]>([]);
  const revision = ref(0);
  const effectiveFrom = ref('');
  const note = ref('');
  const dirty = ref(false);
  const coreProblems = shallowRef<MappedProblems>(emptyProblems());
  /** What is being done right now, for the buttons' spinners: 'save', 'publish', 'export-json'... */
  const busy = ref<string | null>(null);

  const version = computed(() => card.value?.versions.find((v) => v.version === versionNumber.value) ?? null);
  const app = useAppStore();
  /** A draft, and the console is not in auditor mode (where nothing is edited: see readOnly/index.ts). */
  const editable = computed(() => version.value?.status === 'draft' && app.readOnly === null);

  const clientProblems = computed(() => {
    void revision.value;
    const map = new Map<string, CellProblem[]>();
    for (const row of rows.value) {
      const problems = rowProblems(row);
      if (problems.length > 0) map.set(row.key, problems);
    }
    return map;
  });

  /**
   * Problems of one row: the core's from the last save (minus cells edited since), and the editor's own that the core
   * has not said already.
   */
  function problemsOf(key: string): CellProblem[] {
    const core = coreProblems.value.cells.get(key) ?? [];
    const own = (clientProblems.value.get(key) ?? [])
      .filter((p) => !core.some((c) => c.field === p.field && c.detail === p.detail));
    return [...own, ...core];
  }

  function cellProblems(key: string, field: RateField): CellProblem[] {
    return problemsOf(key).filter((p) => p.field === field);
  }

  const blockingCount = computed(() =>
    [...clientProblems.value.values()].reduce((n, list) => n + list.filter((p) => p.blocking).length, 0));

  const problemList = computed<ListedProblem[]>(() => {
    void revision.value;
    const list: ListedProblem[] = coreProblems.value.general.map((p) => ({
      key: null, field: p.path === 'effectiveFrom' || p.path === 'note' ? p.path : null,
      where: p.path === 'effectiveFrom' ? 'Effective date' : p.path, message: p.message, blocking: false,
    }));
    if (editable.value && !/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom.value)) {
      list.unshift({ key: null, field: 'effectiveFrom', where: 'Effective date', message: 'Choose the date the '
        + 'version takes effect.', blocking: true });
    }
    for (const row of rows.value) {
      for (const problem of problemsOf(row.key)) {
        list.push({ key: row.key, field: problem.field, where: row.name, message: problem.message,
          blocking: problem.blocking });
      }
    }
    return list;
  });

  const effectiveFromProblem = computed(() => problemList.value.find((p) => p.field === 'effectiveFrom')?.message
    ?? null);

  const run = latestLoad(loading, error);
  async function load(): Promise<void> {
    await run(() => api['rates:list'](), (value) => {
      cards.value = value;
      loaded.value = true;
      if (card.value && !value.some((c) => c.id === card.value?.id)) close();
    });
  }

  async function loadCatalog(): Promise<void> {
    if (catalog.value.length > 0) return;
    catalog.value = await api['meters:list']({ seenOnly: false });
  }

  function close(): void {
    card.value = null;
    versionNumber.value = null;
    rows.value = [];
    dirty.value = false;
    coreProblems.value = emptyProblems();
  }

  /** The version to open by default: the newest draft (what is being worked on), else the newest version. */
  function defaultVersion(of: RateCard): number | null {
    const drafts = of.versions.filter((v) => v.status === 'draft');
    return (drafts.at(-1) ?? of.versions.at(-1))?.version ?? null;
  }

  function show(of: RateCard, versionToShow: number | null): void {
    card.value = of;
    versionNumber.value = versionToShow;
    const shown = of.versions.find((v) => v.version === versionToShow);
    rows.value = buildRows(catalog.value, shown?.meters ?? []).map((row) => markRaw(row));
    effectiveFrom.value = shown?.effectiveFrom ?? '';
    note.value = shown?.note ?? '';
    dirty.value = false;
    coreProblems.value = emptyProblems();
    revision.value += 1;
  }

  /** Opens a card (at a version, or the default one). Unsaved changes are the caller's to confirm. */
  async function open(id: string, versionToOpen?: number): Promise<void> {
    opening.value = true;
    try {
      const [opened] = await Promise.all([api['rates:get'](id), loadCatalog()]);
      show(opened, versionToOpen ?? defaultVersion(opened));
      error.value = null;
    } finally {
      opening.value = false;
    }
  }

  function selectVersion(number: number): void {
    if (card.value) show(card.value, number);
  }

  function rowOf(key: string): RateRow | undefined {
    return rows.value.find((row) => row.key === key);
  }

  /** Forgets the core's problems on one cell: the user changed it, so they may no longer hold. */
  function forgetCoreProblems(key: string, fields: readonly RateField[]): void {
    const current = coreProblems.value.cells.get(key);
    if (!current) return;
    const cells = new Map(coreProblems.value.cells);
    const left = current.filter((p) => !fields.includes(p.field));
    if (left.length > 0) cells.set(key, left);
    else cells.delete(key);
    coreProblems.value = { ...coreProblems.value, cells };
  }

  function changed(row: RateRow, fields: readonly RateField[]): void {
    row.listed = true;
    dirty.value = true;
    forgetCoreProblems(row.key, fields);
    revision.value += 1;
  }

  /** Sets one cell of a draft's row (the grid's value setter); a meter not yet on the card joins it. */
  function edit(key: string, field: Exclude<RateField, 'tiers'>, value: string): boolean {
    const row = rowOf(key);
    if (!row || !editable.value) return false;
    const text = value ?? '';
    switch (field) {
      case 'conversion':
        if (!['none', 'factor', 'hours-of-month', 'fixed-hours'].includes(text)) return false;
        row.conversion = text as RateRow['conversion'];
        if (row.conversion === 'fixed-hours' && row.conversionValue.trim() === '') row.conversionValue = '730';
        break;
      case 'kind':
        if (!['unrated', 'free', 'flat', 'graduated', 'volume'].includes(text)) return false;
        row.kind = text as RateRow['kind'];
        break;
      case 'aggregation':
        if (text !== 'subscription' && text !== 'tenant') return false;
        row.aggregation = text;
        break;
      case 'meterId':
        return false;
      default:
        row[field] = text;
    }
    changed(row, field === 'kind' ? ['kind', 'unitPrice', 'tiers'] : field === 'conversion'
      ? ['conversion', 'conversionValue'] : [field]);
    return true;
  }

  function setTiers(key: string, tiers: TierText[]): void {
    const row = rowOf(key);
    if (!row || !editable.value) return;
    row.tiers = tiers.map((t) => ({ ...t }));
    changed(row, ['tiers']);
  }

  /** Takes a meter off the card: its usage becomes unrated ("not on the card"). */
  function unlist(key: string): void {
    const row = rowOf(key);
    if (!row || !editable.value || !row.listed) return;
    const meter = catalog.value.find((m) => m.meterId === row.meterId);
    Object.assign(row, {
      listed: false, kind: 'unrated', unitPrice: '', tiers: [], conversion: 'none', conversionValue: '',
      minimumQuantity: '', blockSize: '', aggregation: 'subscription',
      consumedUnit: meter?.unit ?? row.consumedUnit, pricingUnit: meter?.unit ?? row.pricingUnit,
    } satisfies Partial<RateRow>);
    dirty.value = true;
    forgetCoreProblems(key, ['name', 'meterId', 'consumedUnit', 'pricingUnit', 'conversion', 'conversionValue',
      'kind', 'unitPrice', 'tiers', 'aggregation', 'minimumQuantity', 'blockSize']);
    revision.value += 1;
  }

  function setVersionField(field: 'effectiveFrom' | 'note', value: string): void {
    if (!editable.value) return;
    if (field === 'effectiveFrom') effectiveFrom.value = value;
    else note.value = value;
    dirty.value = true;
    coreProblems.value = { ...coreProblems.value, general: coreProblems.value.general.filter((p) => p.path !== field) };
    revision.value += 1;
  }

  function draftOf(): { draft: RateCardDraft; keys: string[] } {
    const { meters, keys } = draftMeters(rows.value);
    const draft: RateCardDraft = { effectiveFrom: effectiveFrom.value, meters };
    if (note.value.trim() !== '') draft.note = note.value.trim();
    return { draft, keys };
  }

  async function refreshList(): Promise<void> {
    try {
      cards.value = await api['rates:list']();
    } catch (err) {
      error.value = errorMessage(err);
    }
  }

  /**
   * Saves the open draft and shows what the core says still stops it from being published, on the cells concerned.
   * Refused (with a sentence) while a cell holds text the core cannot store. Returns the number of problems left.
   */
  async function save(): Promise<number> {
    const current = card.value;
    const number = versionNumber.value;
    if (!current || number === null || !editable.value) throw new Error('Open a draft version to save it.');
    const blocking = problemList.value.filter((p) => p.blocking).length;
    if (blocking > 0) {
      throw new Error(`Fix the ${blocking === 1 ? 'highlighted value' : `${blocking} highlighted values`} first: `
        + 'prices, tiers and conversions must be numbers such as 12.5, and the effective date a date.');
    }
    busy.value = 'save';
    try {
      const { draft } = draftOf();
      const saved = await api['rates:saveDraft'](current.id, number, draft);
      show(saved.card, saved.version);
      coreProblems.value = mapProblems(saved.problems, draftMeters(rows.value).keys);
      revision.value += 1;
      void refreshList();
      return saved.problems.length;
    } finally {
      busy.value = null;
    }
  }

  /** Starts a new draft version from the newest version's meters, taking effect at the suggested date. */
  async function addVersion(now = new Date()): Promise<void> {
    const current = card.value;
    if (!current) return;
    const latest = current.versions.at(-1);
    busy.value = 'add-version';
    try {
      const saved = await api['rates:saveDraft'](current.id, null, {
        effectiveFrom: suggestEffectiveFrom(current, now), meters: structuredClone(latest?.meters ?? []),
      });
      show(saved.card, saved.version);
      void refreshList();
    } finally {
      busy.value = null;
    }
  }

  async function deleteDraft(): Promise<void> {
    const current = card.value;
    const number = versionNumber.value;
    if (!current || number === null) return;
    busy.value = 'delete';
    try {
      const after = await api['rates:deleteDraft'](current.id, number);
      show(after, defaultVersion(after));
      void refreshList();
    } finally {
      busy.value = null;
    }
  }

  /** Whether the open draft may be published as it stands (saved, and nothing left to fix). */
  const publishable = computed(() => editable.value && !dirty.value && problemList.value.length === 0);

  /** Publishes the open draft with the reason for the audit log; it is read-only from then on. */
  async function publish(reason: string): Promise<void> {
    const current = card.value;
    const number = versionNumber.value;
    if (!current || number === null) return;
    busy.value = 'publish';
    try {
      const published = await api['rates:publish'](current.id, number, reason.trim());
      show(published, number);
      void refreshList();
    } finally {
      busy.value = null;
    }
  }

  async function create(input: RateCardInput): Promise<RateCard> {
    busy.value = 'create';
    try {
      const created = await api['rates:create'](input);
      await Promise.all([refreshList(), loadCatalog()]);
      show(created, defaultVersion(created));
      return created;
    } finally {
      busy.value = null;
    }
  }

  /** Imports a JSON or CSV rate card file (all or nothing) and opens it. */
  async function importFile(fileName: string, text: string): Promise<RateCard> {
    busy.value = 'import';
    try {
      const imported = await api['rates:import'](text, importFormat(fileName), fileName);
      await Promise.all([refreshList(), loadCatalog()]);
      show(imported, defaultVersion(imported));
      return imported;
    } finally {
      busy.value = null;
    }
  }

  /**
   * Writes the open card to a file: JSON holds every version, CSV the version shown. The browser downloads it; the
   * desktop app leaves it in the exports folder.
   */
  async function exportAs(format: RateCardFileFormat): Promise<{ result: ExportResult; downloaded: boolean }> {
    const current = card.value;
    if (!current) throw new Error('Open a rate card to export it.');
    busy.value = `export-${format}`;
    try {
      const result = format === 'csv' && versionNumber.value !== null
        ? await api['rates:export'](current.id, format, versionNumber.value)
        : await api['rates:export'](current.id, format);
      const downloaded = await deliverExports([result]);
      return { result, downloaded };
    } finally {
      busy.value = null;
    }
  }

  return {
    cards, loaded, loading, error, card, versionNumber, opening, catalog, rows, revision, effectiveFrom, note, dirty,
    coreProblems, busy, version, editable, blockingCount, problemList, effectiveFromProblem, publishable,
    load, open, close, selectVersion, problemsOf, cellProblems, edit, setTiers, unlist, setVersionField, save,
    addVersion, deleteDraft, publish, create, importFile, exportAs,
  };
});
