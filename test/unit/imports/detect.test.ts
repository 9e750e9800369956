import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectUsageFileKind } from '../../../electron/core/imports/detect.ts';

const read = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));

describe('detectUsageFileKind', () => {
  it('recognises the three kinds of usage files operators have', () => {
    expect(detectUsageFileKind(read('imports/usage-summary-en-US.csv'), 'a.csv').kind).toBe('usage-summary-csv');
    expect(detectUsageFileKind(read('imports/usage-summary-de-DE.csv'), 'b.csv').kind).toBe('usage-summary-csv');
    const saved = read('imports/subscriber-usage-convertto-json.json');
    expect(detectUsageFileKind(saved, 'c.json').kind).toBe('convertto-json');
    expect(detectUsageFileKind(read('usage-page-2019-12-10T19.json'), 'd.json').kind).toBe('rest-pages');
    const pages = Buffer.from(`[${read('usage-page-2019-12-10T19.json').toString('utf8')}]`);
    expect(detectUsageFileKind(pages, 'e.json').kind).toBe('rest-pages');
  });

  it('recognises a CSV behind the #TYPE line of Windows PowerShell 5.1', () => {
    const csv = '#TYPE System.Management.Automation.PSCustomObject\r\n"UsageStartTime","MeterId","Quantity"\r\n';
    expect(detectUsageFileKind(Buffer.from(csv), 'f.csv').kind).toBe('usage-summary-csv');
  });

  it('says why a file is not one of them', () => {
    expect(detectUsageFileKind(Buffer.from('name,cost\r\nx,1\r\n'), 'g.csv')).toEqual({ kind: 'unknown',
      reason: 'g.csv is neither JSON nor a CSV with UsageStartTime and MeterId columns' });
    expect(detectUsageFileKind(Buffer.from('{"items": []}'), 'h.json').reason).toMatch(/neither usage API pages nor/);
    expect(detectUsageFileKind(Buffer.from('[]'), 'i.json').reason).toMatch(/holds no usage records/);
    expect(detectUsageFileKind(Buffer.from('{"value": '), 'j.json').reason).toMatch(/j\.json: not valid JSON/);
    expect(detectUsageFileKind(Buffer.from(''), 'k.csv').reason).toBe('k.csv is empty');
  });
});
