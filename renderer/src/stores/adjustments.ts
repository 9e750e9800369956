import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ExportResult, GroupValue, MeterRow } from '../../../electron/shared/domain.ts';
import type { Adjustment, AdjustmentsImportResult } from '../../../electron/shared/rating.ts';
import { adjustmentsFileSchema } from '../../../electron/shared/schemas.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import type { ScopeNames } from '../components/adjustments/adjustmentForm.ts';
import { meterKey } from '../components/rates/rateRows.ts';
import { latestLoad } from './latestLoad.ts';

/** A tenant or subscription the cache has usage of, for the scope picker. */
export interface ScopeChoice {
  id: string;
  label: string;
}

/** `adjustments[1].percent` for a zod path into the file. */
function filePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/**
 * The adjustments of an adjustments file (`{"format": "stackmeter-adjustments", "version": 1, "adjustments": [...]}`,
 * what Export writes and `stackmeter adjustments export` too), read in the browser. Refused with every problem named by
 * its place in the file (`adjustments[1].percent is not a decimal number...`); what the values mean is the core's check
 * when they are imported.
 */
export function parseAdjustmentsFile(fileName: string, text: string): Adjustment[] {
  let data: unknown;
  try {
    data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (err) {
    throw new Error(`${fileName} is not JSON (${(err as Error).message}); nothing was imported.`, { cause: err });
  }
  const parsed = adjustmentsFileSchema.safeParse(data);
  if (parsed.success) return parsed.data.adjustments;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const path = filePath(issue.path);
    return path === '' ? issue.message : `${path} ${issue.message}`;
  });
  const more = parsed.error.issues.length - problems.length;
  throw new Error(`${fileName} is not a Stackmeter adjustments file: ${problems.join('; ')}`
    + `${more > 0 ? ` (and ${more} more)` : ''}. Nothing was imported.`);
}

/** What an import did, in one sentence: "2 added, 1 replaced, 3 unchanged". */
export function importSummary(result: AdjustmentsImportResult): string {
  const parts = [
    result.added.length > 0 ? `${result.added.length} added` : '',
    result.replaced.length > 0 ? `${result.replaced.length} replaced` : '',
    result.unchanged.length > 0 ? `${result.unchanged.length} unchanged` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'The file holds no adjustment.' : parts.join(', ');
}

/**
 * The stored adjustments, and what the dialog picks from: the catalog's meters (price overrides) and the tenants and
 * subscriptions the cache has usage of, with their names where a subscription list or a directory named them. Every
 * change goes to the core with the reason for its audit log.
 */
export const useAdjustmentsStore = defineStore('adjustments', () => {
  const list = ref<Adjustment[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** What is being done right now, for the buttons' spinners: 'save', 'remove', 'import', 'export'. */
  const busy = ref<string | null>(null);

  const meters = shallowRef<MeterRow[]>([]);
  const tenants = shallowRef<ScopeChoice[]>([]);
  const subscriptions = shallowRef<ScopeChoice[]>([]);
  /** Why the pickers are empty, when the core could not say who has usage. */
  const pickerError = ref<string | null>(null);

  const names = computed<ScopeNames>(() => ({
    tenants: new Map(tenants.value.map((t) => [t.id.toLowerCase(), t.label])),
    subscriptions: new Map(subscriptions.value.map((s) => [s.id.toLowerCase(), s.label])),
  }));

  const meterNames = computed(() => new Map(meters.value.map((m) => [meterKey(m.meterId), m.name])));
  function meterName(id: string): string | null {
    return meterNames.value.get(meterKey(id)) ?? null;
  }

  const run = latestLoad(loading, error);
  async function load(): Promise<void> {
    await run(() => api['adjustments:list'](), (value) => {
      list.value = value;
      loaded.value = true;
    });
  }

  /**
   * The meters and the tenants and subscriptions with usage, once: a cache without usage leaves the scope pickers empty
   * (IDs can still be typed).
   */
  let pickersLoading: Promise<void> | null = null;
  function loadPickers(): Promise<void> {
    if (meters.value.length > 0) return Promise.resolve();
    pickersLoading ??= fetchPickers().finally(() => {
      pickersLoading = null;
    });
    return pickersLoading;
  }

  async function fetchPickers(): Promise<void> {
    try {
      const [catalog, page] = await Promise.all([
        api['meters:list']({ seenOnly: false }),
        api['usage:explore']({ filter: {}, groupBy: ['tenant', 'subscription'], sort: { by: 'subscription' } }, 0,
          5000),
      ]);
      meters.value = [...catalog].sort((a, b) => a.name.localeCompare(b.name));
      const tenantMap = new Map<string, string>();
      const subscriptionMap = new Map<string, string>();
      for (const row of page.rows) {
        const [tenant, subscription] = row.groups as [GroupValue, GroupValue];
        // The explorer's "(unknown tenant)" is no tenant an adjustment could name.
        if (!tenant.key.startsWith('(')) tenantMap.set(tenant.key, tenant.label);
        subscriptionMap.set(subscription.key, subscription.label);
      }
      const choices = (map: Map<string, string>) => [...map].map(([id, label]) => ({ id, label }))
        .sort((a, b) => a.label.localeCompare(b.label));
      tenants.value = choices(tenantMap);
      subscriptions.value = choices(subscriptionMap);
      pickerError.value = null;
    } catch (err) {
      pickerError.value = errorMessage(err);
    }
  }

  function replaceInList(saved: Adjustment): void {
    const others = list.value.filter((a) => a.id !== saved.id);
    list.value = [...others, saved].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Adds an adjustment, or replaces the one with its ID. Throws the core's refusal unchanged (it names the field). */
  async function save(adjustment: Adjustment, reason: string): Promise<Adjustment> {
    busy.value = 'save';
    try {
      const saved = await api['adjustments:save'](adjustment, reason);
      replaceInList(saved);
      return saved;
    } finally {
      busy.value = null;
    }
  }

  async function remove(id: string, reason: string): Promise<void> {
    busy.value = 'remove';
    try {
      await api['adjustments:remove'](id, reason);
      list.value = list.value.filter((a) => a.id !== id);
    } finally {
      busy.value = null;
    }
  }

  /** Imports the adjustments of a file read in the browser (all or none), then shows the stored list. */
  async function importAdjustments(adjustments: Adjustment[], reason: string): Promise<AdjustmentsImportResult> {
    busy.value = 'import';
    try {
      const result = await api['adjustments:import'](adjustments, reason);
      await load();
      return result;
    } finally {
      busy.value = null;
    }
  }

  /** Writes every adjustment to a file: downloaded in the browser, offered to save in the desktop app. */
  async function exportFile(): Promise<{ result: ExportResult; downloaded: boolean }> {
    busy.value = 'export';
    try {
      const result = await api['adjustments:export']();
      return { result, downloaded: await deliverExports([result]) };
    } finally {
      busy.value = null;
    }
  }

  return {
    list, loaded, loading, error, busy, meters, tenants, subscriptions, pickerError, names, meterName,
    load, loadPickers, save, remove, importAdjustments, exportFile,
  };
});
