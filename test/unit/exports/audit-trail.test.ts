import { describe, expect, it } from 'vitest';
import {
  auditTrailCsv, auditTrailPdfDefinition, renderAuditTrailPdf, verdictText, type AuditTrail,
} from '../../../electron/core/exports/audit-trail.ts';
import { parseCsv } from './csv.ts';

const FINGERPRINT = 'e'.repeat(64);

function trail(over: Partial<AuditTrail> = {}): AuditTrail {
  return {
    cachePath: '/tmp/stackmeter-auditor-x/bundle.sqlite', printedAt: '2026-12-03T09:00:00.000Z', printedBy: 'auditor',
    readOnly: {
      source: 'bundle', path: '/media/usb/east-2026-10.smb', fingerprint: FINGERPRINT,
      openedAt: '2026-12-03T08:59:00.000Z',
      bundle: { manifestSha256: 'f'.repeat(64), period: { from: '2026-10-01', to: '2026-11-01' }, stamps: ['east'] },
    },
    verification: { intact: true, entries: 3, brokenAt: null, problem: null },
    entries: [1, 2, 3].map((seq) => ({
      seq, at: `2026-11-0${seq}T10:00:00.000Z`, user: seq === 2 ? '=cmd|"/c calc"!A1' : 'alice',
      action: seq === 3 ? 'statement.finalize' : 'rate-card.publish', subject: `subject-${seq}`,
      reason: seq === 1 ? null : `reason ${seq}`, details: seq === 1 ? null : `{"n":${seq},"text":"a, \\"quoted\\""}`,
      prevHash: String(seq - 1).repeat(64), hash: String(seq).repeat(64),
    })),
    ...over,
  };
}

/** Every text in a pdfmake content tree, in document order. */
function texts(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(texts);
  if (node === null || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  return ['text', 'stack', 'table', 'body'].flatMap((key) => (key in o ? texts(o[key]) : []));
}

describe('the audit trail', () => {
  it('states the verdict in one sentence, naming the first broken entry', () => {
    expect(verdictText({ intact: true, entries: 1234, brokenAt: null, problem: null }))
      .toBe('Intact: 1,234 entries verified; every entry is unchanged, none is missing, all are in order.');
    expect(verdictText({ intact: false, entries: 7, brokenAt: 7, problem: 'Entry 7 was changed after it was written.' }))
      .toBe('BROKEN at entry 7: Entry 7 was changed after it was written. (7 entries read up to there.)');
  });

  it('opens the PDF with the verdict and what was opened (bundle, signer, manifest), then every entry', () => {
    const definition = auditTrailPdfDefinition(trail());
    const all = texts(definition.content);
    const verdictAt = all.findIndex((t) => t.startsWith('Chain verification — Intact: 3 entries verified'));
    const firstEntryAt = all.indexOf('subject-1');
    expect(verdictAt).toBeGreaterThan(-1);
    expect(verdictAt).toBeLessThan(firstEntryAt);
    expect(all).toContain('/media/usb/east-2026-10.smb');
    expect(all).toContain(FINGERPRINT);
    expect(all).toContain('f'.repeat(64));
    expect(all).toContain('2026-10-01 to 2026-11-01 (end excluded), stamps east');
    for (const seq of [1, 2, 3]) expect(all).toContain(String(seq).repeat(64));
    expect(all).toContain('reason 3');
    expect(definition.pageOrientation).toBe('landscape');
  });

  it('marks the entries from the first broken one on in red', () => {
    const definition = auditTrailPdfDefinition(trail({
      verification: { intact: false, entries: 2, brokenAt: 2, problem: 'Entry 2 was changed after it was written.' },
    }));
    type Table = { headerRows?: number; body: Array<Array<{ text?: string; color?: string }>> };
    const body = (definition.content as Array<{ table?: Table }>).find((c) => c.table?.headerRows === 1)!.table!.body;
    expect(body.slice(1).map((row) => row[0]!.color ?? null)).toEqual([null, '#b42318', '#b42318']);
    expect(texts(definition.content).join('\n')).toContain('BROKEN at entry 2');
  });

  it('renders a PDF', async () => {
    const pdf = await renderAuditTrailPdf(trail());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('writes every field to the CSV, details whole, formula-like text made inert', () => {
    const text = auditTrailCsv(trail());
    expect(text.startsWith('\uFEFFSeq,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual(['2', '2026-11-02T10:00:00.000Z', '\'=cmd|"/c calc"!A1', 'rate-card.publish', 'subject-2',
      'reason 2', '{"n":2,"text":"a, \\"quoted\\""}', '1'.repeat(64), '2'.repeat(64)]);
    expect(rows[1]![5]).toBe('');
  });
});
