import { describe, expect, it } from 'vitest';
import {
  type RateRow, buildRows, draftMeters, fieldOfPath, mapProblems, rowProblems, tierProblems,
} from '../../../renderer/src/components/rates/rateRows.ts';
import { EGRESS_METER, VM_METER, catalogMeter, rateCard } from './chargeback-fixtures.ts';

const EGRESS = catalogMeter({ meterId: EGRESS_METER, name: 'BlobDataTransOut', unit: 'Egress in GB',
  service: 'Storage' });
const IP = catalogMeter({ meterId: 'f271a8a388c44d93956a063e1d2fa80b', name: 'Static IP Address Usage',
  unit: 'IP addresses', service: 'Network' });
const CATALOG = [catalogMeter(), EGRESS, IP];
const meters = rateCard().versions[0]!.meters;

function row(over: Partial<RateRow>): RateRow {
  return { ...buildRows(CATALOG, meters).find((r) => r.meterId === VM_METER)!, ...over };
}

describe('the rate card editor\'s rows', () => {
  it('joins the catalog with the card: listed meters carry their rate, the others are unrated and off the card', () => {
    const rows = buildRows(CATALOG, meters);
    expect(rows.map((r) => [r.name, r.listed, r.kind])).toEqual([
      ['Base VM Size Hours', true, 'flat'],
      ['Static IP Address Usage', false, 'unrated'],
      ['BlobDataTransOut', true, 'graduated'],
    ]);
    expect(rows[2]!.tiers).toEqual([{ from: '0', to: '10240', unitPrice: '0.087' },
      { from: '10240', to: '', unitPrice: '0.083' }]);
  });

  it('matches meter IDs without case or hyphens, and keeps meters only the card lists', () => {
    const onlyOnCard = { ...meters[0]!, meterId: '0A0A0A0A-1B1B-2C2C-3D3D-4E4E4E4E4E4E', name: 'Retired meter' };
    const rows = buildRows(CATALOG, [{ ...meters[0]!, meterId: VM_METER.toUpperCase().replaceAll('-', '') },
      onlyOnCard]);
    expect(rows.filter((r) => r.listed).map((r) => [r.name, r.inCatalog])).toEqual([
      ['Base VM Size Hours', true], ['Retired meter', false],
    ]);
  });

  it('saves only the meters on the card, in grid order, with the row each came from', () => {
    const rows = buildRows(CATALOG, meters);
    const { meters: saved, keys } = draftMeters(rows);
    expect(saved).toEqual([meters[0], meters[1]]);
    expect(keys).toEqual([VM_METER.replaceAll('-', ''), EGRESS_METER.replaceAll('-', '')]);
  });
});

describe('checks as the user types', () => {
  it('blocks text that is not a number and flags a negative price without blocking', () => {
    expect(rowProblems(row({ unitPrice: 'abc' }))).toEqual([{ field: 'unitPrice', blocking: true,
      message: '"abc" is not a number: write digits with a point, such as 12.5.' }]);
    expect(rowProblems(row({ unitPrice: '1,5' }))[0]?.blocking).toBe(true);
    expect(rowProblems(row({ unitPrice: '-1' }))).toEqual([{ field: 'unitPrice', blocking: false,
      message: 'Must not be negative (got -1).' }]);
    expect(rowProblems(row({ unitPrice: '' }))).toEqual([{ field: 'unitPrice', blocking: true,
      message: 'Enter the unit price.' }]);
  });

  it('asks for a conversion when the units differ, and for its number', () => {
    expect(rowProblems(row({ pricingUnit: 'Virtual core months' })).map((p) => p.field)).toEqual(['conversion']);
    expect(rowProblems(row({ pricingUnit: 'virtual CORE hours' }))).toEqual([]);
    expect(rowProblems(row({ conversion: 'factor', conversionValue: '' }))).toEqual([{ field: 'conversionValue',
      blocking: true, message: 'Enter the number to divide by.' }]);
    expect(rowProblems(row({ conversion: 'fixed-hours', conversionValue: '0' }))).toEqual([{
      field: 'conversionValue', blocking: false, message: 'Must be above zero (got 0).' }]);
  });

  it('finds overlapping and missing tiers, gaps and an open tier that is not the last', () => {
    expect(tierProblems([{ from: '0', to: '100', unitPrice: '0.1' }, { from: '90', to: '', unitPrice: '0.08' }])
      .map((p) => [p.detail, p.message])).toEqual([
      ['tiers[1].from', 'Overlap: tier 2 starts at 90, inside tier 1 (which ends at 100).'],
    ]);
    expect(tierProblems([{ from: '0', to: '100', unitPrice: '0.1' }, { from: '120', to: '', unitPrice: '0.08' }])
      .map((p) => p.message)).toEqual(['Gap: tier 2 starts at 120 but tier 1 ends at 100.']);
    expect(tierProblems([{ from: '0', to: '', unitPrice: '0.1' }, { from: '', to: '', unitPrice: 'x' }])
      .map((p) => [p.detail, p.blocking])).toEqual([
      ['tiers[0].to', false], ['tiers[1].from', true], ['tiers[1].unitPrice', true],
    ]);
    expect(tierProblems([])).toEqual([{ field: 'tiers', detail: 'tiers', blocking: false,
      message: 'Tiered pricing needs at least one tier.' }]);
  });

  it('checks nothing on meters that are not on the card', () => {
    expect(rowProblems(row({ listed: false, unitPrice: 'abc' }))).toEqual([]);
  });
});

describe('the core\'s problems on the grid', () => {
  const keys = ['vm', 'egress'];

  it('puts each path on its row and column', () => {
    const { cells, general } = mapProblems([
      { path: 'meters[0].pricing.unitPrice', message: 'Must not be negative (got -1).' },
      { path: 'meters[1].pricing.tiers[1].from', message: 'Overlap: tier 2 starts at 10000.' },
      { path: 'meters[1].conversion', message: 'Usage in GB must be converted to TB.' },
      { path: 'meters[1].conversion.divisor', message: 'Must be above zero.' },
      { path: 'effectiveFrom', message: 'Version 1 already takes effect on 2026-10-01.' },
    ], keys);
    expect(cells.get('vm')).toEqual([{ field: 'unitPrice', message: 'Must not be negative (got -1).',
      blocking: false }]);
    expect(cells.get('egress')).toEqual([
      { field: 'tiers', detail: 'tiers[1].from', message: 'Overlap: tier 2 starts at 10000.', blocking: false },
      { field: 'conversion', message: 'Usage in GB must be converted to TB.', blocking: false },
      { field: 'conversionValue', message: 'Must be above zero.', blocking: false },
    ]);
    expect(general).toEqual([{ path: 'effectiveFrom', message: 'Version 1 already takes effect on 2026-10-01.' }]);
  });

  it('reads whole-card paths and keeps problems of meters it cannot place apart', () => {
    const { cells, general } = mapProblems([
      { path: 'versions[0].meters[1].pricing.tiers[0].unitPrice', message: 'Must not be negative.' },
      { path: 'meters[7].meterId', message: 'Enter the meter ID.' },
    ], keys);
    expect(cells.get('egress')?.[0]).toMatchObject({ field: 'tiers', detail: 'tiers[0].unitPrice' });
    expect(general).toEqual([{ path: 'meters[7].meterId', message: 'Enter the meter ID.' }]);
  });

  it('names the column of every field of a meter rate', () => {
    expect(fieldOfPath('pricing')).toBe('kind');
    expect(fieldOfPath('pricing.kind')).toBe('kind');
    expect(fieldOfPath('conversion.hoursPerMonth')).toBe('conversionValue');
    expect(fieldOfPath('minimumQuantity')).toBe('minimumQuantity');
    expect(fieldOfPath(undefined)).toBe('name');
  });
});
