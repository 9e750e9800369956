import type { Granularity } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { UsageRecord } from '../azure/usage-record.ts';
import type { RecordGroup } from '../cache/usage-writer.ts';

/** What an importer hands to the cache writer: records exactly like synced ones, and each record's granularity. */
export interface ImportedUsage {
  records: UsageRecord[];
  /** granularities[i] belongs to records[i]. */
  granularities: Granularity[];
}

/**
 * A file carries no aggregationGranularity, so it follows from the period, as for imported REST pages: one hour is
 * Hourly, one day Daily; anything else is not a usage aggregate (null).
 */
export function granularityOfPeriod(seconds: number): Granularity | null {
  if (seconds === 3600) return 'Hourly';
  if (seconds === 86400) return 'Daily';
  return null;
}

/** A record's granularity (granularityOfPeriod); BAD_INPUT naming the source and the record's index otherwise. */
export function recordGranularity(record: UsageRecord, source: string, index: number): Granularity {
  const seconds = record.usageEnd - record.usageStart;
  const granularity = granularityOfPeriod(seconds);
  if (granularity !== null) return granularity;
  throw new StackmeterError('BAD_INPUT',
    `${source}: record ${index}: usage period of ${seconds} s is neither an hour (Hourly) nor a day (Daily)`);
}

/** The groups the usage writer takes (one per granularity), in record order within each. */
export function recordGroups(usage: ImportedUsage): RecordGroup[] {
  const hourly: UsageRecord[] = [];
  const daily: UsageRecord[] = [];
  usage.records.forEach((r, i) => (usage.granularities[i] === 'Hourly' ? hourly : daily).push(r));
  const groups: RecordGroup[] = [
    { records: hourly, granularity: 'Hourly' },
    { records: daily, granularity: 'Daily' },
  ];
  return groups.filter((g) => g.records.length > 0);
}
