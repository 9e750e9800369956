import { describe, expect, it } from 'vitest';
import {
  parseRateCardCsv, parseRateCardJson, RATE_CARD_CSV_COLUMNS, rateCardCsv, rateCardJson,
} from '../../../electron/core/chargeback/rate-card-files.ts';
import { starterRateCard } from '../../../electron/core/chargeback/starter-rate-card.ts';
import { readCsv } from '../../../electron/core/exports/csv-reader.ts';
import type { MeterRate, RateCard } from '../../../electron/shared/rating.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';

const STARTER = starterRateCard('starter', '2026-01-01');

function small(meters: MeterRate[]): RateCard {
  return {
    id: 'lab', name: 'Lab, "EU"', currency: 'EUR', rounding: { mode: 'half-up', point: 'statement' },
    versions: [{ version: 1, effectiveFrom: '2026-02-01', status: 'draft', publishedAt: null, note: 'Line one\nline two',
      meters }],
  };
}

const flat = (meterId: string, unitPrice: string, extra: Partial<MeterRate> = {}): MeterRate => ({
  meterId, consumedUnit: 'Hours', pricingUnit: 'Hours', conversion: { kind: 'none' },
  pricing: { kind: 'flat', unitPrice }, aggregation: 'subscription', ...extra,
});

/** The CSV of a card as rows of cells (header first), to edit like a spreadsheet user would. */
function sheet(card: RateCard): string[][] {
  return readCsv(rateCardCsv(card, card.versions[0]!.version).text, 'x').rows.map((r) => r.cells);
}

function toCsv(rows: string[][], delimiter = ','): string {
  return rows.map((r) => r.map((c) => (/[",;\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(delimiter))
    .join('\r\n');
}

function importError(text: string): string {
  try {
    parseRateCardCsv(text, 'prices.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(StackmeterError);
    expect((err as StackmeterError).code).toBe('BAD_INPUT');
    return (err as StackmeterError).message;
  }
  throw new Error('the import was accepted');
}

const col = (name: string): number => RATE_CARD_CSV_COLUMNS.indexOf(name as never);

describe('rate card CSV', () => {
  it('writes one row per meter rate and one per tier, and reads back the same version', () => {
    const { text, rows } = rateCardCsv(STARTER, 1);
    expect(text.startsWith('\uFEFFrate_card,currency,')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(`\uFEFF${RATE_CARD_CSV_COLUMNS.join(',')}`);
    const graduated = STARTER.versions[0]!.meters.filter((m) => m.pricing?.kind === 'graduated');
    expect(rows).toBe(84 + graduated.length * 2); // three tiers each: two extra rows
    const back = parseRateCardCsv(text, 'starter.csv');
    expect(back).toEqual({
      name: STARTER.name, currency: 'USD', rounding: STARTER.rounding, effectiveFrom: '2026-01-01',
      note: STARTER.versions[0]!.note, meters: STARTER.versions[0]!.meters,
    });
  });

  it('keeps names with commas, quotes and line breaks, and neutralises formulas on the way out only', () => {
    const card = small([
      flat('aa-01', '0.5', { name: '=HYPERLINK("http://x","y")' }),
      flat('bb-02', '1.25', { name: '-minus', minimumQuantity: '10', blockSize: '5', aggregation: 'tenant' }),
      { ...flat('cc-03', '0'), pricing: null },
      { ...flat('dd-04', '0'), pricing: { kind: 'free' }, consumedUnit: 'GB*hours', pricingUnit: 'GB*month',
        conversion: { kind: 'fixed-hours', hoursPerMonth: '730' } },
    ]);
    const rows = sheet(card);
    expect(rows[1]![col('meter_name')]).toBe('\'=HYPERLINK("http://x","y")');
    expect(rows[2]![col('meter_name')]).toBe('\'-minus');
    expect(rows[1]![col('rate_card')]).toBe('Lab, "EU"');
    expect(rows[1]![col('note')]).toBe('Line one\nline two');
    const back = parseRateCardCsv(rateCardCsv(card, 1).text, 'lab.csv');
    expect(back.meters).toEqual(card.versions[0]!.meters);
    expect(back.name).toBe('Lab, "EU"');
    expect(back.rounding).toEqual({ mode: 'half-up', point: 'statement' });
  });

  it('reads what a spreadsheet saves: rows in any order, blank repeated cells, 1E+4, semicolons and decimal commas', () => {
    const card = small([
      { ...flat('ee-05', '0'), pricing: { kind: 'volume', tiers: [
        { from: '0', to: '100', unitPrice: '0.10' }, { from: '100', to: null, unitPrice: '0.08' }] } },
      flat('ff-06', '0.5', { conversion: { kind: 'factor', divisor: '10000' }, pricingUnit: '10,000 requests' }),
    ]);
    const rows = sheet(card);
    // Sorted by price in the spreadsheet: the open tier first; the second tier row's meter columns emptied.
    const [header, tier1, tier2, requests] = rows as [string[], string[], string[], string[]];
    for (const c of ['consumed_unit', 'pricing_unit', 'conversion', 'aggregation']) tier2[col(c)] = '';
    requests[col('conversion_value')] = '1E+4';
    requests[col('rate_card')] = '';
    const edited = toCsv([header, requests, tier2, tier1]);
    // Meters come in the order the file first names them.
    expect(parseRateCardCsv(edited, 'x.csv').meters).toEqual([...card.versions[0]!.meters].reverse());

    requests[col('unit_price')] = '0,5';
    tier1[col('unit_price')] = '0,10';
    const european = parseRateCardCsv(`\uFEFF${toCsv([header, tier1, tier2, requests], ';')}`, 'x.csv');
    expect(european.meters).toEqual([
      { ...card.versions[0]!.meters[0], pricing: { kind: 'volume', tiers: [
        { from: '0', to: '100', unitPrice: '0.10' }, { from: '100', to: null, unitPrice: '0.08' }] } },
      { ...card.versions[0]!.meters[1], pricing: { kind: 'flat', unitPrice: '0.5' } },
    ]);
  });

  it('refuses a file whole, naming the line (and spreadsheet row) and column of every problem', () => {
    const card = small([
      flat('aa-01', '0.5'),
      { ...flat('bb-02', '0'), pricing: { kind: 'graduated', tiers: [
        { from: '0', to: '100', unitPrice: '0.10' }, { from: '100', to: null, unitPrice: '0.08' }] } },
    ]);
    const [header, a, b1, b2] = sheet(card) as [string[], string[], string[], string[]];
    const edit = (row: string[], column: string, value: string): string[] => {
      const copy = [...row];
      copy[col(column)] = value;
      return copy;
    };
    expect(importError(toCsv([header, edit(a, 'unit_price', '-1'), b1, b2])))
      .toMatch(/^prices\.csv cannot be imported, nothing was written: line 2, column unit_price: Must not be negative/);
    expect(importError(toCsv([header, a, b1, edit(b2, 'tier_from', '90')])))
      .toContain('line 6 (row 4), column tier_from: Overlap: tier 2 starts at 90');
    expect(importError(toCsv([header, edit(a, 'unit_price', '1,234.5'), b1, b2])))
      .toContain('line 2, column unit_price: "1,234.5" is not a number');
    expect(importError(toCsv([header, a, edit(b1, 'currency', 'USD'), b2])))
      .toContain('line 4 (row 3), column currency: "USD" differs from "EUR" on line 2');
    expect(importError(toCsv([header, a, a])))
      .toContain('line 4 (row 3), column meter_id: meter aa-01 is already on line 2');
    expect(importError(toCsv([header, edit(a, 'conversion', 'factor'), b1, b2])))
      .toContain('line 2, column conversion_value: is empty; a factor conversion needs');
    expect(importError(toCsv([header, edit(a, 'effective_from', '2/1/2026'), b1, b2])))
      .toMatch(/line 2, column effective_from: "2\/1\/2026" is not a date written YYYY-MM-DD/);
    expect(importError(toCsv([header, edit(a, 'pricing', 'tiered'), b1, b2])))
      .toContain('line 2, column pricing: "tiered" is not one of free, flat, graduated, volume');
    expect(importError(toCsv([header, edit(a, 'consumed_unit', 'GB*hours'), b1, b2])))
      .toContain('line 2, column conversion: Usage in GB*hours must be converted to Hours');
    expect(importError(toCsv([edit(header, 'note', 'notes'), a]))).toContain('line 1: unknown column "notes"');
    // The note's line break makes each row two lines; without it, lines and rows are the same.
    expect(importError(toCsv([header, ...[a, b1, edit(b2, 'tier_from', '90')].map((r) => edit(r, 'note', ''))])))
      .toContain('line 4, column tier_from: Overlap');
    expect(importError(toCsv([header, edit(a, 'meter_id', 'aa 01'), b1, b2])))
      .toContain('line 2, column meter_id: is not a meter ID (letters, digits and hyphens)');
    expect(importError(toCsv([header, edit(a, 'consumed_unit', 'x'.repeat(101)), b1, b2])))
      .toContain('line 2, column consumed_unit: is longer than 100 characters');
    expect(importError(toCsv([header]))).toContain('the file has a header row but no meter rates');
    expect(importError('rate_card,"unclosed\r\n')).toContain('line 1: a quoted field starts here and is never closed');
    // Several problems at once, each named.
    const many = importError(toCsv([header, edit(a, 'unit_price', 'ten'), edit(b1, 'aggregation', 'tenantt'),
      edit(b2, 'aggregation', '')]));
    expect(many).toContain('line 2, column unit_price: "ten" is not a number');
    expect(many).toContain('line 4 (row 3), column aggregation: "tenantt" is not one of subscription, tenant');
  });
});

describe('rate card JSON', () => {
  it('writes the whole card or one version and reads it back', () => {
    const text = rateCardJson(STARTER);
    expect(JSON.parse(text)).toMatchObject({ format: 'stackmeter-rate-card', version: 1, card: { id: 'starter' } });
    expect(parseRateCardJson(text, 'starter.json')).toEqual(STARTER);
    expect(() => rateCardJson(STARTER, 7)).toThrow(/has no version 7/);
  });

  it('refuses a malformed or invalid file with the JSON path of every problem', () => {
    const bad = JSON.parse(rateCardJson(STARTER)) as { card: RateCard };
    (bad.card.versions[0]!.meters[2]!.pricing as { unitPrice: unknown }).unitPrice = 0.045;
    bad.card.versions[0]!.meters[3]!.aggregation = 'everyone' as never;
    const error = () => parseRateCardJson(JSON.stringify(bad), 'card.json');
    expect(error).toThrow(
      /^card\.json cannot be imported, nothing was written: card\.versions\[0\]\.meters\[2\]\.pricing\.unitPrice /);
    expect(error).toThrow(/card\.versions\[0\]\.meters\[3\]\.aggregation/);

    const negative = JSON.parse(rateCardJson(STARTER)) as { card: RateCard };
    negative.card.versions[0]!.meters[0]!.pricing = { kind: 'flat', unitPrice: '-0.005' };
    negative.card.currency = 'XYZ';
    const message = () => parseRateCardJson(JSON.stringify(negative), 'card.json');
    expect(message).toThrow(/card\.currency: "XYZ" is not an ISO 4217 currency code/);
    expect(message).toThrow(/card\.versions\[0\]\.meters\[0\]\.pricing\.unitPrice: Must not be negative/);
    expect(() => parseRateCardJson('{"format": "stackmeter-rate-card",', 'cut.json')).toThrow(/cut\.json .*not JSON/);
  });
});
