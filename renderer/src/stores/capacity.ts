import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  CapacityBasis, CapacityExportFormat, CapacityModel, CapacityQuery, CapacityReport, FabricCapacity,
  StoredCapacityModel,
} from '../../../electron/shared/capacity.ts';
import type { ExportResult } from '../../../electron/shared/domain.ts';
import type { RateCard } from '../../../electron/shared/rating.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import { type PeriodChoice, periodProblem, presetChoice, presetOptions, toUsagePeriod } from '../format/usagePeriod.ts';

/**
 * The Capacity view: a stamp's capacity model (cores read from Fabric or entered with a note, yearly prices per core,
 * licence term, other yearly costs, storage capacity), saved with a reason; and the capacity report of a period with
 * the cost allocated to tenants, exported or turned into a rate card draft.
 */

/** The add-ons the capacity model knows by name; any other name may be added. */
export const ADD_ON_PRESETS = ['App Service', 'SQL/MySQL', 'Event Hubs'] as const;

export const CAPACITY_PRESETS = presetOptions(['thisMonth', 'lastMonth', 'last30', 'custom'] as const);

export const BASES: readonly { value: CapacityBasis['kind']; label: string; title: string }[] = [
  { value: 'vcpu', label: 'vCPU-hours', title: 'By the vCPU-hours of each tenant\'s VMs; unused core-hours are idle' },
  { value: 'mix', label: 'Weighted meters', title: 'By a weighted mix of meters you choose' },
  { value: 'even', label: 'Evenly', title: 'The same amount for every tenant of the stamp' },
];

/** The model as the form edits it: every number as the text typed, so nothing is rounded on the way. */
export interface ModelForm {
  cores: string;
  coresSource: 'fabric' | 'manual';
  coresNote: string;
  currency: string;
  termFrom: string;
  termTo: string;
  basePrice: string;
  addOns: Array<{ name: string; price: string; cores: string }>;
  others: Array<{ label: string; amount: string }>;
  storageGB: string;
}

export function emptyForm(now: Date): ModelForm {
  const year = now.getUTCFullYear();
  return {
    cores: '', coresSource: 'manual', coresNote: '', currency: 'USD', termFrom: `${year}-01-01`,
    termTo: `${year}-12-31`, basePrice: '', addOns: [], others: [], storageGB: '',
  };
}

export function formOf(model: CapacityModel): ModelForm {
  return {
    cores: String(model.physicalCores), coresSource: model.coresSource, coresNote: model.coresNote ?? '',
    currency: model.currency, termFrom: model.term.from, termTo: model.term.to, basePrice: model.basePricePerCoreYear,
    addOns: model.addOns.map((a) => ({ name: a.name, price: a.pricePerCoreYear, cores: a.cores === undefined ? ''
      : String(a.cores) })),
    others: model.otherYearlyCosts.map((o) => ({ label: o.label, amount: o.amount })),
    storageGB: model.storageCapacityGB ?? '',
  };
}

/**
 * The model a form describes. Only the form's own shape is settled here (a blank optional field is left out, the
 * cores become a number when they are digits); the core's schema says what is wrong, naming the field.
 */
export function modelOf(stamp: string, form: ModelForm): CapacityModel {
  const cores = form.cores.trim();
  const note = form.coresNote.trim();
  return {
    stamp,
    physicalCores: /^\d+$/.test(cores) ? Number(cores) : Number.NaN,
    coresSource: form.coresSource,
    ...(note === '' ? {} : { coresNote: note }),
    currency: form.currency.trim().toUpperCase(),
    term: { from: form.termFrom, to: form.termTo },
    basePricePerCoreYear: form.basePrice.trim(),
    addOns: form.addOns.map((a) => ({
      name: a.name.trim(), pricePerCoreYear: a.price.trim(),
      ...(a.cores.trim() === '' ? {} : { cores: /^\d+$/.test(a.cores.trim()) ? Number(a.cores.trim()) : Number.NaN }),
    })),
    otherYearlyCosts: form.others.map((o) => ({ label: o.label.trim(), amount: o.amount.trim() })),
    ...(form.storageGB.trim() === '' ? {} : { storageCapacityGB: form.storageGB.trim() }),
  };
}

export const useCapacityStore = defineStore('capacity', () => {
  const stamp = ref<string | null>(null);
  const stored = shallowRef<StoredCapacityModel | null>(null);
  const form = ref<ModelForm>(emptyForm(new Date()));
  const loadingModel = ref(false);
  const modelError = ref<string | null>(null);
  const fabric = shallowRef<FabricCapacity | null>(null);
  const readingCores = ref(false);
  const fabricError = ref<string | null>(null);
  const saving = ref(false);
  const saveError = ref<string | null>(null);

  const period = ref<PeriodChoice>(presetChoice('lastMonth', new Date()));
  const basis = ref<CapacityBasis['kind']>('vcpu');
  const weights = ref<Array<{ meterId: string; weight: string }>>([]);
  const report = shallowRef<CapacityReport | null>(null);
  const reportQuery = shallowRef<CapacityQuery | null>(null);
  const running = ref(false);
  const reportError = ref<string | null>(null);
  const exporting = ref<CapacityExportFormat | null>(null);
  const creatingDraft = ref(false);

  const problem = computed((): string | null => {
    if (!stored.value) return null;
    const dates = periodProblem(period.value);
    if (dates) return dates;
    if (basis.value === 'mix' && weights.value.filter((w) => w.meterId !== '').length === 0) {
      return 'Choose at least one meter and its weight for the weighted mix.';
    }
    return null;
  });

  const query = computed((): CapacityQuery | null => {
    const usagePeriod = toUsagePeriod(period.value);
    if (!stamp.value || !usagePeriod || problem.value) return null;
    const kind = basis.value;
    const chosen: CapacityBasis = kind === 'mix'
      ? { kind, weights: Object.fromEntries(weights.value.filter((w) => w.meterId !== '')
        .map((w) => [w.meterId, w.weight.trim()])) }
      : { kind };
    return { stamp: stamp.value, period: usagePeriod, basis: chosen };
  });

  async function selectStamp(name: string | null): Promise<void> {
    stamp.value = name;
    stored.value = null;
    fabric.value = null;
    fabricError.value = null;
    saveError.value = null;
    report.value = null;
    reportError.value = null;
    form.value = emptyForm(new Date());
    if (!name) return;
    loadingModel.value = true;
    try {
      const found = await api['capacity:get'](name);
      if (stamp.value !== name) return;
      stored.value = found;
      if (found) form.value = formOf(found.model);
      modelError.value = null;
    } catch (err) {
      modelError.value = errorMessage(err);
    } finally {
      loadingModel.value = false;
    }
  }

  /** Reads the cores from the stamp's fabric into the form (not saved until the user saves). */
  async function readCores(): Promise<void> {
    if (!stamp.value) return;
    readingCores.value = true;
    fabricError.value = null;
    try {
      const read = await api['capacity:readCores'](stamp.value);
      fabric.value = read;
      form.value = { ...form.value, cores: String(read.cores), coresSource: 'fabric', coresNote: read.source };
    } catch (err) {
      fabricError.value = `${errorMessage(err)} Enter the cores by hand, with a note saying where they come from.`;
    } finally {
      readingCores.value = false;
    }
  }

  async function save(reason: string): Promise<boolean> {
    if (!stamp.value) return false;
    saving.value = true;
    saveError.value = null;
    try {
      stored.value = await api['capacity:save'](modelOf(stamp.value, form.value), reason);
      form.value = formOf(stored.value.model);
      return true;
    } catch (err) {
      saveError.value = errorMessage(err);
      return false;
    } finally {
      saving.value = false;
    }
  }

  async function run(): Promise<void> {
    const asked = query.value;
    if (!asked) return;
    running.value = true;
    try {
      const result = await api['capacity:report'](asked);
      // A slower earlier answer must not replace a newer question's.
      if (JSON.stringify(asked) !== JSON.stringify(query.value)) return;
      report.value = result;
      reportQuery.value = asked;
      reportError.value = null;
    } catch (err) {
      report.value = null;
      reportError.value = errorMessage(err);
    } finally {
      running.value = false;
    }
  }

  async function exportAs(format: CapacityExportFormat): Promise<{ result: ExportResult; downloaded: boolean }> {
    const asked = reportQuery.value;
    if (!asked) throw new Error('Run the report first.');
    exporting.value = format;
    try {
      const result = await api['capacity:export'](asked, format);
      return { result, downloaded: await deliverExports([result]) };
    } finally {
      exporting.value = null;
    }
  }

  async function createDraft(targetUtilisation: string, computeShare: string, rateCardName: string):
    Promise<RateCard> {
    const asked = reportQuery.value;
    if (!asked) throw new Error('Run the report first.');
    creatingDraft.value = true;
    try {
      return await api['capacity:recoveryDraft'](asked, {
        targetUtilisation: targetUtilisation.trim(), rateCardName: rateCardName.trim(),
        ...(computeShare.trim() === '' || computeShare.trim() === '1' ? {} : { computeShare: computeShare.trim() }),
      });
    } finally {
      creatingDraft.value = false;
    }
  }

  return {
    stamp, stored, form, loadingModel, modelError, fabric, readingCores, fabricError, saving, saveError, period, basis,
    weights, report, reportQuery, running, reportError, exporting, creatingDraft, problem, query, selectStamp,
    readCores, save, run, exportAs, createDraft,
  };
});
