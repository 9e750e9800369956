import type { CapacityExportFormat, CapacityReport } from '../../shared/capacity.ts';
import type { ExportResult } from '../../shared/domain.ts';
import type { Actor } from '../chargeback/audit-log.ts';
import type { AuditSink } from '../chargeback/audit-sink.ts';
import { renderCapacityPdf } from './capacity-pdf.ts';
import { capacityXlsx } from './capacity-xlsx.ts';
import { auditExport } from './export-audit.ts';
import { writeExport, writeNewFile } from './export-file.ts';

/** The stamp's name as it may appear in an export's file name (the server serves only such names). */
function slug(stamp: string): string {
  return stamp.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/**
 * Writes a capacity report to the exports folder as `stackmeter-capacity-<stamp>-<from>-<to>.<pdf|xlsx>` (dates
 * YYYYMMDD, `-2`... when taken), then records the export with the report's input hash, total and idle amount. The
 * file is complete or absent: rendered in memory, written under a temporary name, flushed, then named.
 */
export async function exportCapacityReport(report: CapacityReport, format: CapacityExportFormat,
  target: { dir: string; actor: Actor; audit: AuditSink }): Promise<ExportResult> {
  const created = target.actor.at;
  const data = format === 'pdf' ? await renderCapacityPdf(report, created) : await capacityXlsx(report, created);
  const base = `stackmeter-capacity-${slug(report.stamp)}-${report.period.from.replaceAll('-', '')}-`
    + `${report.period.to.replaceAll('-', '')}`;
  const written = await writeExport(target.dir, base, format, (temp) => writeNewFile(temp, data));
  const file: ExportResult = {
    fileName: written.fileName, path: written.path, bytes: written.bytes,
    rows: report.allocation.lines.length + 1,
  };
  return auditExport(target.audit, {
    subject: `capacity:${report.stamp}`,
    details: {
      format, stamp: report.stamp, period: report.period, basis: report.basis, granularity: report.granularity,
      inputHash: report.inputHash, total: report.cost.total, idle: report.allocation.idle.amount,
      currency: report.cost.currency,
    },
  }, file, target.actor);
}
