import { describe, expect, it } from 'vitest';
import { STATEMENT_CSV_HEADERS, statementCsv } from '../../../electron/core/exports/statement-csv.ts';
import { RatingDecimal } from '../../../electron/core/rating/index.ts';
import { parseCsv } from './csv.ts';
import { FORMULA_NAME, METER, statementDocument, SUB, TENANT_B } from './statement-fixture.ts';

describe('statement CSV', () => {
  const doc = statementDocument();
  const text = statementCsv(doc);
  const [header, ...rows] = parseCsv(text.slice(1));
  const col = (name: (typeof STATEMENT_CSV_HEADERS)[number]): number => header!.indexOf(name);
  const of = (record: string): string[][] => rows.filter((r) => r[col('Record')] === record);

  it('is UTF-8 with a byte order mark, CRLF line ends and one record per line, adjustment and total', () => {
    expect(text.startsWith('\uFEFFStatement,Record,')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/\n/);
    expect(header).toEqual([...STATEMENT_CSV_HEADERS]);
    expect(of('usage')).toHaveLength(doc.result.lines.length);
    expect(of('adjustment')).toHaveLength(doc.result.adjustmentLines.length);
    expect(of('tenant total')).toHaveLength(3);
    expect(of('statement total')).toHaveLength(1);
    expect(rows.every((r) => r[col('Statement')] === 'ST-202502-0001')).toBe(true);
  });

  it('adds up: usage and adjustment amounts to each tenant total and to the statement total, exactly', () => {
    const sum = (records: string[][]): string => records
      .reduce((s, r) => s.plus(r[col('Amount')] || '0'), new RatingDecimal(0)).toFixed(2);
    const lines = [...of('usage'), ...of('adjustment')];
    expect(sum(lines)).toBe('156.40');
    expect(of('statement total')[0]![col('Amount')]).toBe('156.40');
    for (const total of of('tenant total')) {
      const tenant = total[col('Tenant ID')];
      expect(sum(lines.filter((r) => r[col('Tenant ID')] === tenant))).toBe(total[col('Amount')]);
    }
    expect(sum(of('tenant total'))).toBe('156.40');
  });

  it('leaves the amount of unrated usage empty and says it is not charged', () => {
    const unrated = of('usage').filter((r) => r[col('Status')] === 'unrated');
    expect(unrated.map((r) => [r[col('Meter ID')], r[col('Amount')], r[col('Unit price')], r[col('Detail')]])).toEqual([
      [METER.vmSizeHours, '', 'not charged: unrated', 'meter not on the rate card'],
      [METER.windowsVm, '', 'not charged: unrated', 'meter has no price'],
    ]);
  });

  it('keeps quantities exact and carries prices, conversions and the rate card version', () => {
    const blob = of('usage').find((r) => r[col('Subscription ID')] === SUB.a1 && r[col('Meter ID')] === METER.blockBlob)!;
    expect(blob[col('Quantity')]).toBe('26585.555691456838');
    expect(blob[col('Priced quantity')]).toBe(doc.result.lines.find((l) => l.quantity === '26585.555691456838')!
      .convertedQuantity);
    expect(blob[col('Conversion')]).toBe('÷ 672 (hours of the month)');
    expect(blob[col('Unit price')]).toBe('tiered');
    expect(blob[col('Detail')]).toMatch(/^tenant total: 100 × 0\.05 \+ 59\.5618388265726755952380952380952380952/);
    expect(blob[col('Rate card version')]).toBe('1');
    const vm = of('usage').find((r) => r[col('Tenant ID')] === TENANT_B && r[col('Meter ID')] === METER.baseVm)!;
    expect(vm[col('Unit price')]).toBe('0.01 (override ovr-b-vm)');
  });

  it('neutralises formulas in names but keeps negative amounts as numbers', () => {
    const a2 = of('usage').filter((r) => r[col('Subscription ID')] === SUB.a2);
    expect(a2.every((r) => r[col('Subscription')] === `'${FORMULA_NAME}`)).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    const setup = of('adjustment').find((r) => r[col('Adjustment ID')] === 'setup-a2')!;
    expect(setup[col('Adjustment')]).toBe('one-time-fee: -Setup fee');
    const discount = of('adjustment').find((r) => r[col('Adjustment ID')] === 'disc-a1')!;
    expect(discount[col('Amount')]).toBe('-0.92');
  });

  it('records the statement\'s provenance on the total row', () => {
    const detail = of('statement total')[0]![col('Detail')];
    expect(detail).toContain(`statement hash ${doc.hash}`);
    expect(detail).toContain(`input hash ${doc.inputHash}`);
    expect(detail).toContain('rate card Standard prices (examples) (rc-standard) v1');
    expect(detail).toContain('period 2025-02-01 to 2025-03-01 (end excluded)');
    expect(detail).toContain('usage hourly usage records');
    expect(statementCsv(statementDocument({ granularity: 'Daily' }))).toContain('usage daily usage records');
    const draft = statementCsv(statementDocument({ status: 'draft', hash: null }));
    expect(draft).toContain('statement hash none (draft)');
  });
});
