import type Database from 'better-sqlite3';
import type { CapacityPeriod, CapacityReport, RecoveryDraftInput } from '../../shared/capacity.ts';
import type { RateCard } from '../../shared/rating.ts';
import type { Actor } from '../chargeback/audit-log.ts';
import { createRateCard, getRateCard, saveDraft } from '../chargeback/rate-cards.ts';
import { RatingDecimal } from '../rating/index.ts';
import { costRecoveryRates, recoveryMeterRates } from './recovery.ts';
import { text, type Dec } from './values.ts';

const DAY_MS = 86_400_000;

/**
 * The storage capacity of a period in GB-months: the capacity × the share of each calendar month the period covers
 * (days in the period / days of the month), so that a whole month is one GB-month per GB, as the draft's storage
 * rates convert GB*hours by the hours of the usage's month.
 */
export function storageGBMonths(capacityGB: string, period: CapacityPeriod): string {
  let months: Dec = new RatingDecimal(0);
  const to = Date.parse(`${period.to}T00:00:00Z`);
  for (let day = Date.parse(`${period.from}T00:00:00Z`); day < to;) {
    const date = new Date(day);
    const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    const monthDays = (monthEnd - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)) / DAY_MS;
    const end = Math.min(to, monthEnd);
    months = months.plus(new RatingDecimal((end - day) / DAY_MS).div(monthDays));
    day = end;
  }
  return text(months.times(capacityGB));
}

/**
 * A new rate card (in the model's currency, half-up per line) whose first draft version, taking effect on the
 * period's first day, prices the vCPU-hour meters (and, when storage bears a share of the cost, the storage capacity
 * meters per GB-month) at the break-even rates that recover the report's capacity cost at the target utilisation.
 * Created and filled in one transaction, each step audited as any rate card change; the draft must still be reviewed
 * and published before it prices anything.
 */
export function createRecoveryDraft(db: Database.Database, report: CapacityReport, input: RecoveryDraftInput,
  actor: Actor): RateCard {
  const { model } = report.model;
  const computeShare = input.computeShare ?? '1';
  const storageShare = new RatingDecimal(1).minus(computeShare);
  const rates = costRecoveryRates({
    cost: { currency: report.cost.currency, total: report.cost.total },
    availableCoreHours: report.utilisation.availableCoreHours,
    ...(model.storageCapacityGB !== undefined && storageShare.gt(0)
      ? { storageGBMonths: storageGBMonths(model.storageCapacityGB, report.period) } : {}),
    targetUtilisation: input.targetUtilisation,
    computeShare,
  });
  const meters = recoveryMeterRates(rates, {
    computeMeters: report.vcpuMeters.map((m) => ({ meterId: m.meterId, name: m.name, consumedUnit: m.unit })),
    storageMeters: rates.perGBMonth === null ? []
      : report.storageMeters.map((m) => ({ meterId: m.meterId, name: m.name, consumedUnit: m.unit })),
  });
  const note = `Break-even rates recovering the capacity cost of ${report.stamp} from ${report.period.from} to `
    + `${report.period.to} (${report.cost.currency} ${report.cost.total}, report input hash `
    + `${report.inputHash.slice(0, 16)}) at ${text(new RatingDecimal(rates.targetUtilisation).times(100))} % `
    + `utilisation: ${rates.formula}`;
  return db.transaction(() => {
    const card = createRateCard(db, {
      name: input.rateCardName, currency: model.currency, rounding: { mode: 'half-up', point: 'line' }, from: 'empty',
    }, actor);
    saveDraft(db, card.id, 1, { effectiveFrom: report.period.from, note: note.slice(0, 2000), meters }, actor);
    return getRateCard(db, card.id);
  }).immediate();
}
