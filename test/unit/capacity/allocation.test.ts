import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, type Allocation, type AllocationBasis } from '../../../electron/core/capacity/index.ts';
import { RatingDecimal } from '../../../electron/core/rating/index.ts';

const COST = { currency: 'USD', total: '809.91' };

function amounts(result: Allocation): Record<string, string> {
  return Object.fromEntries([...result.lines.map((l) => [l.tenantId, l.amount]), ['idle', result.idle.amount]]);
}

function sumOf(result: Allocation): InstanceType<typeof RatingDecimal> {
  return result.lines.reduce((s, l) => s.plus(l.amount), new RatingDecimal(result.idle.amount));
}

describe('allocate', () => {
  it('by vCPU-hours: the unused core-hours are the idle line', () => {
    // 47616 core-hours (64 cores in October 2026), 809.91 USD = 80991 cents:
    // a 20000/47616 → 34018.397 cents, b 10000/47616 → 17009.198, c 0, idle 17616/47616 → 29963.404.
    // Floors add up to 80990; the cent left goes to the largest remainder (idle, .404).
    const result = allocate(COST, {
      kind: 'vcpu-hours', availableCoreHours: '47616',
      tenants: [
        { tenantId: 'c', vcpuHours: '0' }, { tenantId: 'b', vcpuHours: '10000' }, { tenantId: 'a', vcpuHours: '20000' },
      ],
    });
    expect(amounts(result)).toEqual({ a: '340.18', b: '170.09', c: '0.00', idle: '299.64' });
    expect(result.lines.map((l) => l.tenantId)).toEqual(['a', 'b', 'c']);
    expect(result.idle.share.startsWith('0.369959677419354')).toBe(true);
    expect(result.total).toBe('809.91');
    expect(result.notes).toEqual([]);
  });

  it('by vCPU-hours with overcommit: no idle line, split by usage, with a note', () => {
    const result = allocate({ currency: 'USD', total: '100' }, {
      kind: 'vcpu-hours', availableCoreHours: '100',
      tenants: [{ tenantId: 'a', vcpuHours: '150' }, { tenantId: 'b', vcpuHours: '50' }],
    });
    expect(amounts(result)).toEqual({ a: '75.00', b: '25.00', idle: '0.00' });
    expect(result.notes[0]).toMatch(/overcommit/);
  });

  it('by a weighted mix: each meter\'s part by usage, against its capacity when given', () => {
    // 70 % of 1000 by vCPU-hours against 1000 available: a 600 → 420, b 200 → 140, idle 200 → 140.
    // 30 % by storage without capacity: a 10, b 30 GB-months → a 75, b 225, no idle (noted).
    const result = allocate({ currency: 'EUR', total: '1000' }, {
      kind: 'weighted', weights: { vcpu: '7', storage: '3' }, capacity: { vcpu: '1000' },
      tenants: [
        { tenantId: 'a', usage: { vcpu: '600', storage: '10' } },
        { tenantId: 'b', usage: { vcpu: '200', storage: '30' } },
      ],
    });
    expect(amounts(result)).toEqual({ a: '495.00', b: '365.00', idle: '140.00' });
    expect(result.notes).toEqual([expect.stringMatching(/^storage: no capacity given/)]);
  });

  it('by a weighted mix: a meter nobody used and without capacity is unallocated', () => {
    const result = allocate({ currency: 'EUR', total: '90' }, {
      kind: 'weighted', weights: { vcpu: '2', sql: '1' },
      tenants: [{ tenantId: 'a', usage: { vcpu: '5' } }, { tenantId: 'b', usage: { vcpu: '5' } }],
    });
    expect(amounts(result)).toEqual({ a: '30.00', b: '30.00', idle: '30.00' });
    expect(result.notes.some((n) => /^sql: no tenant used it/.test(n))).toBe(true);
  });

  it('evenly: equal shares, the odd cents to the first tenants, no idle', () => {
    const result = allocate({ currency: 'USD', total: '100' }, { kind: 'even', tenants: ['c', 'a', 'b'] });
    expect(amounts(result)).toEqual({ a: '33.34', b: '33.33', c: '33.33', idle: '0.00' });
  });

  it('leaves everything idle when nobody used anything, or there are no tenants', () => {
    const unused = allocate(COST, {
      kind: 'vcpu-hours', availableCoreHours: '0.5', tenants: [{ tenantId: 'a', vcpuHours: '0' }],
    });
    expect(amounts(unused)).toEqual({ a: '0.00', idle: '809.91' });
    const none = allocate(COST, { kind: 'even', tenants: [] });
    expect(amounts(none)).toEqual({ idle: '809.91' });
    expect(none.notes).toEqual(['No tenants: the whole cost is unallocated.']);
  });

  it('refuses a cost that is not whole minor units, duplicate tenants and weights that are all zero', () => {
    expect(() => allocate({ currency: 'USD', total: '1.005' }, { kind: 'even', tenants: ['a'] }))
      .toThrow(/minor units/);
    expect(() => allocate(COST, { kind: 'even', tenants: ['a', 'a'] })).toThrow(/listed twice/);
    expect(() => allocate(COST, { kind: 'weighted', weights: { vcpu: '0' }, tenants: [] }))
      .toThrow(/weight above zero/);
  });
});

describe('allocation invariants', () => {
  const tenantIds = fc.uniqueArray(fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't6', 't7'), { maxLength: 7 });
  const thousandths = fc.integer({ min: 0, max: 10_000_000 }).map((n) => new RatingDecimal(n).div(1000).toString());
  const hours = fc.oneof(fc.constant('0'), thousandths);
  const cost = fc.record({
    currency: fc.constantFrom('USD', 'JPY', 'KWD'),
    units: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  }).map(({ currency, units }) => {
    const minor = currency === 'USD' ? 2 : currency === 'JPY' ? 0 : 3;
    const total = new RatingDecimal(units.toString()).div(new RatingDecimal(10).pow(minor)).toString();
    return { currency, total, minor };
  });
  const basis: fc.Arbitrary<AllocationBasis> = fc.oneof(
    fc.record({
      kind: fc.constant('vcpu-hours' as const),
      availableCoreHours: fc.integer({ min: 1, max: 5_000_000 }).map(String),
      tenants: tenantIds.chain((ids) => fc.tuple(
        ...ids.map((id) => hours.map((h) => ({ tenantId: id, vcpuHours: h }))))),
    }),
    fc.record({
      kind: fc.constant('weighted' as const),
      weights: fc.record({
        vcpu: fc.integer({ min: 1, max: 9 }).map(String), storage: fc.integer({ min: 0, max: 9 }).map(String),
      }),
      capacity: fc.option(fc.record({ vcpu: fc.integer({ min: 1, max: 20_000 }).map(String) }), { nil: undefined }),
      tenants: tenantIds.chain((ids) => fc.tuple(...ids.map((id) => fc.record({ vcpu: hours, storage: hours })
        .map((usage) => ({ tenantId: id, usage }))))),
    }),
    fc.record({ kind: fc.constant('even' as const), tenants: tenantIds }),
  );

  it('adds up to the cost exactly, never goes below zero, and gives nothing for no usage', () => {
    fc.assert(fc.property(cost, basis, (money, chosen) => {
      const result = allocate(money, chosen);
      expect(sumOf(result).eq(money.total)).toBe(true);
      for (const line of [...result.lines, result.idle]) {
        const amount = new RatingDecimal(line.amount);
        expect(amount.isNegative() && !amount.isZero()).toBe(false);
        expect(amount.decimalPlaces()).toBeLessThanOrEqual(money.minor);
      }
      const amountOf = (tenantId: string): string => result.lines.find((l) => l.tenantId === tenantId)?.amount ?? '?';
      if (chosen.kind === 'vcpu-hours') {
        for (const tenant of chosen.tenants.filter((t) => new RatingDecimal(t.vcpuHours).isZero())) {
          expect(new RatingDecimal(amountOf(tenant.tenantId)).isZero()).toBe(true);
        }
      }
      if (chosen.kind === 'weighted') {
        const idle = chosen.tenants.filter((t) => Object.values(t.usage).every((u) => new RatingDecimal(u).isZero()));
        for (const tenant of idle) expect(new RatingDecimal(amountOf(tenant.tenantId)).isZero()).toBe(true);
      }
      if (chosen.kind === 'even' && chosen.tenants.length > 0) {
        expect(new RatingDecimal(result.idle.amount).isZero()).toBe(true);
        const all = result.lines.map((l) => new RatingDecimal(l.amount));
        const spread = RatingDecimal.max(...all).minus(RatingDecimal.min(...all));
        expect(spread.lte(new RatingDecimal(10).pow(-money.minor))).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('does not depend on the order tenants are listed in', () => {
    fc.assert(fc.property(cost, basis, (money, chosen) => {
      const reversed = { ...chosen, tenants: [...chosen.tenants].reverse() } as AllocationBasis;
      expect(allocate(money, reversed)).toEqual(allocate(money, chosen));
    }), { numRuns: 100 });
  });
});
