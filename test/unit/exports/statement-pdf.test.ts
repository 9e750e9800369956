import { describe, expect, it } from 'vitest';
import type { Content, DynamicContent } from 'pdfmake/interfaces.js';
import {
  renderStatementPdf, renderTenantPdfs, statementPdfDefinition,
} from '../../../electron/core/exports/statement-pdf.ts';
import { formatMoney, formatQuantity } from '../../../electron/core/exports/statement-text.ts';
import { ADJUSTMENT_ORDER } from '../../../electron/core/rating/index.ts';
import { statementDocument, TENANT_A, TENANT_B } from './statement-fixture.ts';

/** Every text in a pdfmake content tree (tables, stacks, lists, columns), in document order. */
function texts(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(texts);
  if (node === null || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  return ['text', 'stack', 'ul', 'ol', 'columns', 'table', 'body'].flatMap((key) => (key in o ? texts(o[key]) : []));
}

/** The PDF's page count as its page tree states it, checked against its page objects. */
function pageCount(pdf: Buffer): number {
  const raw = pdf.toString('latin1');
  const pages = raw.match(/\/Type \/Page(?![a-z])/g)?.length ?? 0;
  const count = /\/Type \/Pages\s*\/Count (\d+)/.exec(raw);
  expect(Number(count?.[1])).toBe(pages);
  return pages;
}

describe('statement PDF definition', () => {
  const doc = statementDocument();
  const definition = statementPdfDefinition(doc);
  const all = texts(definition.content).join('\n');

  it('heads each tenant section with tenant, period, currency, rate card version, status and both hashes', () => {
    for (const label of ['contoso.example', 'fabrikam.example', '(unknown tenant)']) {
      expect(all).toContain(`Chargeback statement — ${label}`);
    }
    expect(all).toContain('2025-02-01 to 2025-03-01 (end excluded)');
    expect(all).toContain('EUR (Euro, 2 decimals)');
    expect(all).toContain('Standard prices (examples) (rc-standard), version v1');
    expect(all).toContain('hourly usage records');
    expect(all).toContain('Finalized 2025-03-03T09:30:00Z by auditor');
    expect(all).toContain(doc.hash);
    expect(all).toContain(doc.inputHash);
    expect(definition.watermark).toBeUndefined();
  });

  it('prints every line with meter name and ID, both quantities and units, price and amount', () => {
    expect(doc.result.lines.length).toBeGreaterThan(0);
    for (const line of doc.result.lines) {
      expect(all).toContain(line.meterId);
      if (line.meterName) expect(all).toContain(line.meterName);
      expect(all).toContain(`${formatQuantity(line.quantity)} ${line.consumedUnit ?? ''}`.trim());
      // A converted quantity that an endless division produced is shown to 6 decimals and marked as rounded.
      if (line.convertedQuantity !== null && !line.convertedQuantity.includes('39.5618')
        && !line.convertedQuantity.startsWith('0.13767')) {
        expect(all).toContain(`${formatQuantity(line.convertedQuantity)} ${line.pricingUnit}`);
      }
      if (line.amount !== null) expect(all).toContain(formatMoney(line.amount, 2));
    }
    expect(all).toContain('≈ 39.561839 GB*month');
    expect(all).toContain('≈ 0.137671 GB*month');
    expect(all).toContain('tiered');
    expect(all).toContain('tenant total: 100 × 0.05 + ≈ 59.561839 × 0.03');
    expect(all).toContain('÷ 672 (hours of the month)');
    // TableCapacity: 100.5 GB*hours ÷ 730 is charged as one whole block.
    expect(all).toContain('÷ 730 (hours per month); billed as 1');
  });

  it('lists unrated usage as not charged, never as an amount of zero', () => {
    const unrated = doc.result.lines.filter((l) => l.status === 'unrated');
    expect(unrated.length).toBe(2);
    expect(all.match(/not charged: unrated/g)?.length).toBeGreaterThanOrEqual(2 * unrated.length);
    expect(all).toContain('meter not on the rate card');
    expect(all).toContain('meter has no price');
  });

  it('prints adjustment lines, per tenant totals and the order adjustments apply in', () => {
    expect(doc.result.adjustmentLines.length).toBeGreaterThan(0);
    expect(doc.result.totals.byTenant.length).toBeGreaterThan(0);
    for (const a of doc.result.adjustmentLines) {
      expect(all).toContain(a.label);
      expect(all).toContain(a.detail);
      expect(all).toContain(formatMoney(a.amount, 2));
    }
    for (const t of doc.result.totals.byTenant) expect(all).toContain(formatMoney(t.total, 2));
    // fabrikam: its subscription's 41.35 plus the tenant's own fee, credit and tax share make its 73.01.
    const fabrikam = texts(statementPdfDefinition(doc, [TENANT_B]).content).join('\n');
    expect(fabrikam).toMatch(/Fabrikam\n33333333-3333-4333-8333-333333333333\n41\.35\n0\.00\n41\.35\n/);
    expect(fabrikam).toMatch(/Adjustments to the whole tenant\n0\.00\n31\.66\n31\.66\nTotal \(EUR\)\n41\.35\n31\.66\n73\.01/);
    for (const step of ADJUSTMENT_ORDER) expect(all).toContain(step.description);
  });

  it('numbers pages "page x of y" and takes its creation date from the statement', () => {
    const footer = definition.footer as DynamicContent;
    const content = footer(2, 5, { width: 595, height: 842, orientation: 'portrait' }) as Content;
    expect(texts(content)).toEqual(['Statement ST-202502-0001', 'page 2 of 5']);
    expect(definition.info?.creationDate?.toISOString()).toBe('2025-03-03T09:30:00.000Z');
    expect(definition.pageSize).toBe('A4');
  });

  it('marks a draft: watermark, status and no statement hash', () => {
    const draft = statementDocument({ status: 'draft', hash: null, finalizedAt: null, finalizedBy: null });
    const d = statementPdfDefinition(draft);
    expect(d.watermark).toMatchObject({ text: 'DRAFT' });
    const text = texts(d.content).join('\n');
    expect(text).toContain('Draft (not final; amounts may change)');
    expect(text).toContain('none: a draft has no statement hash until it is finalized');
    expect(d.info?.creationDate?.toISOString()).toBe('2025-03-02T08:00:00.000Z');
  });

  it('names a correction and its reason', () => {
    const correction = statementDocument({ id: 'ST-202502-0001-C1', kind: 'correction',
      correctsId: 'ST-202502-0001', reason: 'late usage from azs-east' });
    const text = texts(statementPdfDefinition(correction, [TENANT_B]).content).join('\n');
    expect(text).toContain('Correction statement — fabrikam.example');
    expect(text).toContain('Correction of ST-202502-0001: late usage from azs-east');
    expect(text).not.toContain('contoso.example');
  });
});

describe('statement PDF bytes', () => {
  it('is a PDF with a section per tenant, each on its own pages', async () => {
    const doc = statementDocument();
    const combined = await renderStatementPdf(doc);
    expect(combined.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const perTenant = await renderTenantPdfs(doc);
    expect(perTenant.map((p) => [p.tenantId, p.label])).toEqual([
      [TENANT_A, 'contoso.example'], [TENANT_B, 'fabrikam.example'], [null, '(unknown tenant)'],
    ]);
    const pages = perTenant.map((p) => pageCount(p.bytes));
    for (const n of pages) expect(n).toBeGreaterThanOrEqual(1);
    expect(pageCount(combined)).toBe(pages.reduce((a, b) => a + b, 0));
  });

  it('gives the same bytes for the same statement, and other bytes for another', async () => {
    const first = await renderStatementPdf(statementDocument(), [TENANT_A]);
    const second = await renderStatementPdf(statementDocument(), [TENANT_A]);
    expect(first.equals(second)).toBe(true);
    const other = await renderStatementPdf(statementDocument({ hash: 'f'.repeat(64) }), [TENANT_A]);
    expect(other.equals(first)).toBe(false);
  });
});
