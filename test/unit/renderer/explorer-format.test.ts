import { describe, expect, it } from 'vitest';
import { formatBytes, isMissingValueKey, resourceNameFromUri, tagsText } from '../../../renderer/src/format/usage.ts';
import {
  choiceForGroupKey,
  periodProblem,
  presetChoice,
  toUsagePeriod,
} from '../../../renderer/src/format/usagePeriod.ts';

const VM = '/subscriptions/5b7e3c1a-0000-4000-8000-00000000000a/resourceGroups/rg-web/providers/' +
  'Microsoft.Compute/virtualMachines/vm-web-01';

describe('explorer wording', () => {
  it('names a resource by the last segment of its URI', () => {
    expect(resourceNameFromUri(VM)).toBe('vm-web-01');
    expect(resourceNameFromUri(`${VM}/`)).toBe('vm-web-01');
    expect(resourceNameFromUri('no-slashes')).toBe('no-slashes');
  });

  it('writes tags as key=value pairs in the order they came', () => {
    expect(tagsText({ owner: 'ops', env: 'prod' })).toBe('owner=ops; env=prod');
    expect(tagsText(null)).toBe('');
  });

  it('tells the keys of missing values from real ones', () => {
    expect(isMissingValueKey('(no resource)')).toBe(true);
    expect(isMissingValueKey('(untagged)')).toBe(false);
    expect(isMissingValueKey(VM)).toBe(false);
  });

  it('gives file sizes in binary units', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4_915)).toBe('4.8 KB');
    expect(formatBytes(14_540)).toBe('14 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
  });
});

describe('explorer periods', () => {
  it('finds last month across a year end and this month up to today', () => {
    const january = new Date('2025-01-10T12:00:00Z');
    expect(presetChoice('lastMonth', january))
      .toEqual({ preset: 'lastMonth', from: '2024-12-01', through: '2024-12-31' });
    expect(toUsagePeriod(presetChoice('thisMonth', january))).toEqual({ from: '2025-01-01', to: '2025-01-11' });
  });

  it('reads a day or a month group key as the dates it covers', () => {
    const dates = (from: string, through: string) => ({ preset: 'custom', from, through });
    expect(choiceForGroupKey('month', '2024-02')).toEqual(dates('2024-02-01', '2024-02-29'));
    expect(choiceForGroupKey('month', '202412')).toEqual(dates('2024-12-01', '2024-12-31'));
    expect(choiceForGroupKey('day', '2024-02-29')).toEqual(dates('2024-02-29', '2024-02-29'));
    expect(choiceForGroupKey('day', 'February')).toBeNull();
  });

  it('asks for both dates before querying a custom period', () => {
    const half = { preset: 'custom' as const, from: '2024-05-01', through: '' };
    expect(periodProblem(half)).toBe('Choose both dates of the period.');
    expect(toUsagePeriod(half)).toBeUndefined();
  });
});
