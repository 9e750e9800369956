import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { ADJUSTMENTS_ROW_KEY, type ChargebackGrouping, type ChargebackResult } from '../../shared/chargeback.ts';
import type { ExportResult } from '../../shared/domain.ts';
import { fileTimeStamp, syncFile, writeExport, writeNewFile } from './export-file.ts';
import { csvRecord, neutraliseFormula, survivesDouble } from './spreadsheet-safe.ts';

/**
 * A chargeback run's rows as CSV or XLSX: one row per group with its usage, adjustments, total and unrated records,
 * then a totals row. Every text cell goes through neutraliseFormula (a resource group or tag value such as
 * `=HYPERLINK(...)` stays text); amounts are numbers in XLSX only where a spreadsheet's double keeps them exact.
 */

export type ChargebackFileFormat = 'csv' | 'xlsx';

const GROUP_HEADER: Record<ChargebackGrouping, string> = {
  tenant: 'Tenant', subscription: 'Subscription', resourceGroup: 'Resource group', tag: 'Tag', meter: 'Meter',
};

const KEY_HEADER: Record<ChargebackGrouping, string> = {
  tenant: 'Tenant ID', subscription: 'Subscription ID', resourceGroup: 'Resource group key', tag: 'Tag value key',
  meter: 'Meter ID',
};

function headers(result: ChargebackResult): string[] {
  const group = result.by === 'tag' ? `Tag: ${result.tagKey ?? ''}` : GROUP_HEADER[result.by];
  return [group, KEY_HEADER[result.by], `Usage (${result.currency})`, `Adjustments (${result.currency})`,
    `Total (${result.currency})`, 'Unrated records', ...(result.by === 'meter' ? ['Unrated quantity'] : [])];
}

function cells(result: ChargebackResult): string[][] {
  const meter = result.by === 'meter';
  const rows = result.rows.map((r) => [r.label, r.key === ADJUSTMENTS_ROW_KEY ? '' : r.key, r.usage, r.adjustments,
    r.total, String(r.unratedRecords), ...(meter ? [r.unratedQuantity ?? ''] : [])]);
  const t = result.totals;
  return [...rows, ['Total', '', t.usage, t.adjustments, t.total, String(t.unratedRecords), ...(meter ? [''] : [])]];
}

function describe(result: ChargebackResult, now: Date): [string, string][] {
  return [
    ['Exported', `${now.toISOString().slice(0, 19)}Z (UTC)`],
    ['Period', `${result.period.from} to ${result.period.to} (end excluded)`],
    ['Rate card', `${result.rateCard.name} (${result.rateCard.id}), versions ${result.rateCard.versions.join(', ')
      || 'none in effect'}`],
    ['Currency', `${result.currency} (${result.minorUnits} decimals), rounded ${result.rounding.mode} per `
      + `${result.rounding.point}`],
    ['Rows per', result.by === 'tag' ? `tag ${result.tagKey ?? ''}` : GROUP_HEADER[result.by].toLowerCase()],
    ['Stamps', result.stamps.length === 0 ? 'all' : result.stamps.join(', ')],
    ['Usage rated', `${result.granularity} usage`],
    ['Unrated usage', result.unrated.length === 0 ? 'none' : result.unrated.map((u) =>
      `${u.meterId}: ${u.records} records (${u.reason})`).join('; ') + ' - not charged'],
    ...result.adjustmentOrder.map((s): [string, string] => [`Adjustment step ${s.step}`, s.description]),
  ];
}

async function writeXlsx(path: string, result: ChargebackResult, now: Date): Promise<void> {
  const stream = createWriteStream(path, { flags: 'wx' });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Stackmeter';
  workbook.created = now;
  const sheet = workbook.addWorksheet('Chargeback', { views: [{ state: 'frozen', ySplit: 1 }] });
  const names = headers(result);
  sheet.columns = names.map((header, i) => ({ header: neutraliseFormula(header), key: `c${i}`, width: i < 2 ? 40 : 18 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const all = cells(result);
  all.forEach((texts, index) => {
    const row = sheet.addRow(texts.map((t, i) => (i >= 2 && survivesDouble(t) ? Number(t) : neutraliseFormula(t))));
    if (index === all.length - 1) row.font = { bold: true };
    row.commit();
  });
  sheet.commit();
  const about = workbook.addWorksheet('About');
  about.columns = [{ header: 'Stackmeter chargeback', key: 'a', width: 24 }, { header: '', key: 'b', width: 100 }];
  about.getRow(1).font = { bold: true };
  about.getRow(1).commit();
  for (const [name, value] of describe(result, now)) about.addRow([name, neutraliseFormula(value)]).commit();
  about.commit();
  await workbook.commit();
  await finished(stream);
  await syncFile(path);
}

/** Writes a run's rows into `dir` as `stackmeter-chargeback-<period start>-<time>.<csv|xlsx>`. */
export async function exportChargeback(result: ChargebackResult, format: ChargebackFileFormat,
  options: { dir: string; now: Date }): Promise<ExportResult> {
  const base = `stackmeter-chargeback-${result.period.from}-${fileTimeStamp(options.now)}`;
  const written = await writeExport(options.dir, base, format, async (temp) => {
    if (format === 'csv') {
      // The byte order mark makes Excel read the file as UTF-8.
      const text = [headers(result), ...cells(result)].map((r) => csvRecord(r.map(neutraliseFormula))).join('');
      await writeNewFile(temp, `\uFEFF${text}`);
    } else {
      await writeXlsx(temp, result, options.now);
    }
    return result.rows.length;
  });
  return { fileName: written.fileName, path: written.path, rows: written.value, bytes: written.bytes };
}
