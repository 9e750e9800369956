import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { METERS } from '../../../electron/core/simulator/catalog.ts';
import { SyntheticStamp, type StampRecord } from '../../../electron/core/simulator/stamp.ts';
import { DAY_MS, HOUR_MS } from '../../../electron/core/simulator/time.ts';

const NOW = new Date('2025-03-15T10:20:00Z');
const now = () => NOW;
const HOURS = (n: number) => n * HOUR_MS;

function stamp(options: { seed?: number; scale?: number } = {}): SyntheticStamp {
  return new SyntheticStamp({ historyDays: 20, ...options, now });
}

function key(r: StampRecord): string {
  return `${r.subscriptionId}|${r.meterId}|${r.usageStart}|${r.usageEnd}|${r.resourceUri}`;
}

function resourcesOf(r: StampRecord): { tags: string; additionalInfo: string } {
  return (JSON.parse(r.instanceData) as { 'Microsoft.Resources': { tags: string; additionalInfo: string } })[
    'Microsoft.Resources'
  ];
}

const s = stamp();
const dayStart = Date.UTC(2025, 2, 10);
const hourly = [...s.recordsForUsageRange(dayStart - 2 * DAY_MS, dayStart + DAY_MS, 'Hourly')];

describe('synthetic stamp: determinism', () => {
  it('gives the same records for the same seed and different ones for another seed', () => {
    const a = [...stamp({ seed: 7 }).recordsForUsageRange(dayStart, dayStart + HOURS(6), 'Hourly')];
    const b = [...stamp({ seed: 7 }).recordsForUsageRange(dayStart, dayStart + HOURS(6), 'Hourly')];
    const c = [...stamp({ seed: 8 }).recordsForUsageRange(dayStart, dayStart + HOURS(6), 'Hourly')];
    expect(a.length).toBeGreaterThan(100);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    expect(stamp({ seed: 7 }).audience).toBe(stamp({ seed: 7 }).audience);
    expect(stamp({ seed: 7 }).providerSubscriptionId).not.toBe(stamp({ seed: 8 }).providerSubscriptionId);
  });

  it('keeps tenants and subscriptions when only the scale changes, and multiplies resources', () => {
    const small = stamp({ seed: 3 });
    const big = stamp({ seed: 3, scale: 10 });
    expect(big.subscriptions).toEqual(small.subscriptions);
    expect(big.tenants).toEqual(small.tenants);
    expect(big.resourceList.length).toBeGreaterThan(small.resourceList.length * 6);
  });

  it('has 6 tenants with 1–3 enabled subscriptions each by default', () => {
    expect(s.tenants).toHaveLength(6);
    for (const t of s.tenants) {
      const subs = s.subscriptions.filter((x) => x.tenantId === t.tenantId);
      expect(subs.length).toBeGreaterThanOrEqual(1);
      expect(subs.length).toBeLessThanOrEqual(3);
      expect(subs.every((x) => x.state === 'Enabled' && x.owner === t.owner)).toBe(true);
    }
    expect(s.tenants[0]?.owner).toBe('ops@contoso.example');
  });

  it('yields each record once and never after the last whole hour', () => {
    const keys = hourly.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    const late = [...s.recordsForUsageRange(NOW.getTime() - HOURS(3), NOW.getTime() + HOURS(5), 'Hourly')];
    expect(late.length).toBeGreaterThan(0);
    expect(Math.max(...late.map((r) => r.usageEndMs))).toBe(Date.UTC(2025, 2, 15, 10));
  });
});

describe('synthetic stamp: size', () => {
  it('has 50–100 live resources and 100k–300k hourly records in 31 days at scale 1', () => {
    const big = new SyntheticStamp({ now, historyDays: 62 });
    const live = big.resourceList.filter((r) => r.deletedMs === null);
    expect(live.length).toBeGreaterThanOrEqual(50);
    expect(live.length).toBeLessThanOrEqual(100);
    let n = 0;
    for (const _ of big.recordsForUsageRange(Date.UTC(2025, 1, 1), Date.UTC(2025, 2, 4), 'Hourly')) n++;
    expect(n).toBeGreaterThan(100_000);
    expect(n).toBeLessThan(300_000);
  });
});

describe('synthetic stamp: reported time', () => {
  const from = Date.UTC(2025, 2, 10, 5);

  it('reports an hour 1 to 4 hours after it ends, so one reported hour spans several usage hours', () => {
    const window = [...s.recordsForReportedRange(from, from + HOUR_MS, 'Hourly')];
    expect(window.length).toBeGreaterThan(50);
    for (const r of window) {
      expect(r.reportedAtMs).toBe(from);
      expect(r.reportedAtMs - r.usageEndMs).toBeGreaterThanOrEqual(HOUR_MS);
      expect(r.reportedAtMs - r.usageEndMs).toBeLessThanOrEqual(4 * HOUR_MS);
    }
    expect(new Set(window.map((r) => r.usageStart)).size).toBeGreaterThanOrEqual(3);
  });

  it('returns through consecutive reported windows exactly the records of the usage range', () => {
    const usage = [...s.recordsForUsageRange(from, from + HOURS(3), 'Hourly')];
    const reported = new Map<string, StampRecord>();
    for (let h = 0; h < 10; h++) {
      for (const r of s.recordsForReportedRange(from + HOURS(h), from + HOURS(h + 1), 'Hourly')) {
        if (r.usageStartMs >= from && r.usageStartMs < from + HOURS(3)) {
          expect(reported.has(key(r))).toBe(false);
          reported.set(key(r), r);
        }
      }
    }
    expect(reported.size).toBe(usage.length);
    for (const r of usage) expect(reported.get(key(r))?.quantity).toBe(r.quantity);
  });

  it('returns through daily reported windows exactly the daily records of the usage days', () => {
    const first = Date.UTC(2025, 2, 5);
    const usage = [...s.recordsForUsageRange(first, first + 4 * DAY_MS, 'Daily')];
    const reported = [...s.recordsForReportedRange(first + DAY_MS, first + 5 * DAY_MS, 'Daily')];
    expect(reported.map(key).sort()).toEqual(usage.map(key).sort());
    const quantities = new Map(usage.map((r) => [key(r), r.quantity]));
    for (const r of reported) expect(r.quantity).toBe(quantities.get(key(r)));
  });

  it('reports a daily record on the day after its usage day', () => {
    const day = Date.UTC(2025, 2, 11);
    const daily = [...s.recordsForReportedRange(day, day + DAY_MS, 'Daily')];
    expect(daily.length).toBeGreaterThan(20);
    for (const r of daily) {
      expect(r.usageStartMs).toBe(day - DAY_MS);
      expect(r.usageEndMs).toBe(day);
      expect(r.reportedAtMs).toBeGreaterThan(day);
      expect(r.reportedAtMs).toBeLessThan(day + DAY_MS);
    }
  });
});

describe('synthetic stamp: quantities', () => {
  it('emits disk meters hourly as 1/(hours in the month)', () => {
    const tier = new Set(['d5f7731b-f639-404a-89d0-e46186e22c8d', 'e554b6bc-96cd-4938-a5b5-0da990278519']);
    const march = hourly.filter((r) => tier.has(r.meterId));
    expect(march.length).toBeGreaterThan(0);
    for (const r of march) expect(r.quantity).toBe('0.0013440860215054');
    const feb = [...s.recordsForUsageRange(Date.UTC(2025, 1, 25), Date.UTC(2025, 1, 25, 1), 'Hourly')]
      .filter((r) => tier.has(r.meterId));
    expect(feb.length).toBeGreaterThan(0);
    for (const r of feb) expect(new Decimal(r.quantity).minus(new Decimal(1).div(672)).abs().lt(1e-15)).toBe(true);
  });

  it('makes each daily quantity the exact sum of that day’s hourly quantities', () => {
    const day = Date.UTC(2025, 2, 9);
    const sums = new Map<string, Decimal>();
    for (const r of s.recordsForUsageRange(day, day + DAY_MS, 'Hourly')) {
      const k = `${r.subscriptionId}|${r.meterId}|${r.resourceUri}`;
      sums.set(k, (sums.get(k) ?? new Decimal(0)).plus(r.quantity));
    }
    const daily = [...s.recordsForUsageRange(day, day + DAY_MS, 'Daily')];
    expect(daily.length).toBe(sums.size);
    for (const r of daily) {
      const expected = sums.get(`${r.subscriptionId}|${r.meterId}|${r.resourceUri}`);
      expect(expected && new Decimal(r.quantity).equals(expected), `${r.meterId} ${r.resourceUri}`).toBe(true);
    }
    const ips = daily.filter((r) => r.meterId === METERS.dynamicIp || r.meterId === METERS.staticIp);
    expect(ips.some((r) => r.quantity === '24.0')).toBe(true);
  });

  it('charges VMs by their real vCPU count, Windows VMs on the Windows meter instead of the base meter', () => {
    const vcpus: Record<string, number> = {
      Standard_A2_v2: 2, Standard_D2_v2: 2, Standard_DS3_v2: 4, Standard_F4s: 4, Standard_A4: 8,
    };
    const core = hourly.filter((r) => r.meterId === METERS.windowsVmSizeHours || r.meterId === METERS.baseVmSizeHours);
    expect(core.some((r) => r.meterId === METERS.windowsVmSizeHours)).toBe(true);
    expect(core.some((r) => r.meterId === METERS.baseVmSizeHours)).toBe(true);
    for (const r of core) {
      const info = JSON.parse(resourcesOf(r).additionalInfo) as { ServiceType: string; Publisher: string };
      expect(r.meterId === METERS.windowsVmSizeHours).toBe(/Windows|SQL/.test(info.Publisher));
      if (vcpus[info.ServiceType]) expect(r.quantity).toBe(`${vcpus[info.ServiceType]}.0`);
    }
    const vmHours = hourly.filter((r) => r.meterId === METERS.vmSizeHours);
    expect(vmHours.length).toBe(core.length);
    expect(vmHours.every((r) => r.quantity === '1.0')).toBe(true);
  });

  it('keeps every quantity a JSON number of realistic size', () => {
    for (const r of hourly) {
      expect(typeof JSON.parse(r.quantity)).toBe('number');
      expect(new Decimal(r.quantity).gt(0)).toBe(true);
      expect(new Decimal(r.quantity).lt(20_000)).toBe(true);
    }
    expect(hourly.some((r) => /E-\d\d$/.test(r.quantity))).toBe(true);
  });
});

describe('synthetic stamp: real-world quirks', () => {
  it('spells meter IDs per resource provider', () => {
    const ids = new Set(hourly.map((r) => r.meterId));
    expect(ids.has('09F8879E-87E9-4305-A572-4B7BE209F857')).toBe(true); // storage: upper case
    expect(ids.has('6dab500f-a4fd-49c4-956d-229bb9c8c793')).toBe(true); // compute: lower case
    const diskMeters = new Set(hourly.filter((r) => r.resourceUri.includes('/disks/')).map((r) => r.meterId));
    expect(diskMeters.size).toBeGreaterThan(0);
    expect([...diskMeters].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true); // managed disks: lower case
    expect([...ids].some((id) => /^[0-9A-F]{32}$/.test(id))).toBe(true); // network: no hyphens
  });

  it('writes tags as "", "null" or double-encoded JSON, and VM additionalInfo as the recording does', () => {
    const tags = new Set(hourly.map((r) => resourcesOf(r).tags));
    expect(tags.has('')).toBe(true);
    expect(tags.has('null')).toBe(true);
    expect([...tags].some((t) => t.startsWith('{') && typeof JSON.parse(t) === 'object')).toBe(true);
    const vm = hourly.find((r) => r.resourceUri.includes('/virtualMachines/')) as StampRecord;
    expect(Object.keys(JSON.parse(resourcesOf(vm).additionalInfo) as object))
      .toEqual(['ServiceType', 'ImageType', 'Publisher', 'Offer', 'Sku']);
    expect(vm.instanceData).toContain(`"location":"${s.region}"`);
  });

  it('uses resourcegroups for storage and resourceGroups for compute', () => {
    const storage = hourly.filter((r) => r.resourceUri.includes('Microsoft.Storage'));
    const compute = hourly.filter((r) => r.resourceUri.includes('Microsoft.Compute'));
    expect(storage.length).toBeGreaterThan(0);
    expect(storage.every((r) => r.resourceUri.includes('/resourcegroups/'))).toBe(true);
    expect(compute.every((r) => r.resourceUri.includes('/resourceGroups/'))).toBe(true);
  });
});

describe('synthetic stamp: resource lifetimes', () => {
  const full = [...s.recordsForUsageRange(s.originMs, NOW.getTime(), 'Daily')];
  const byUri = new Map<string, StampRecord[]>();
  for (const r of full) byUri.set(r.resourceUri, [...(byUri.get(r.resourceUri) ?? []), r]);

  it('has resources created and deleted during the history, with usage only while they exist', () => {
    const created = s.resourceList.filter((r) => r.createdMs !== null && r.createdMs < NOW.getTime());
    const deleted = s.resourceList.filter((r) => r.deletedMs !== null && r.deletedMs < NOW.getTime());
    expect(created.length).toBeGreaterThan(0);
    expect(deleted.length).toBeGreaterThan(0);
    for (const res of [...created, ...deleted]) {
      for (const r of byUri.get(res.resourceUri) ?? []) {
        if (res.createdMs !== null) expect(r.usageEndMs).toBeGreaterThan(res.createdMs);
        if (res.deletedMs !== null) expect(r.usageStartMs).toBeLessThan(res.deletedMs);
      }
    }
    expect(Math.min(...full.map((r) => r.usageStartMs))).toBe(s.originMs);
  });

  it('stops compute usage of business-hours VMs at night while their disks keep reporting', () => {
    const vm = s.resourceList.find((r) => r.businessHoursOnly && r.deletedMs === null && r.createdMs === null);
    expect(vm).toBeDefined();
    const night = Date.UTC(2025, 2, 12, 1); // a Wednesday, 01:00 UTC
    const records = [...s.recordsForUsageRange(night, night + HOUR_MS, 'Hourly')];
    expect(records.some((r) => r.resourceUri === vm?.resourceUri)).toBe(false);
    const noon = [...s.recordsForUsageRange(night + HOURS(11), night + HOURS(12), 'Hourly')];
    expect(noon.filter((r) => r.resourceUri === vm?.resourceUri)).toHaveLength(2);
    const diskPrefix = `${vm?.resourceUri.replace('/virtualMachines/', '/disks/')}_OsDisk_1_`;
    expect(records.some((r) => r.resourceUri.startsWith(diskPrefix))).toBe(true);
  });
});
