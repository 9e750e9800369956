import { describe, expect, it } from 'vitest';
import { dateReader, detectDateFormat } from '../../../electron/core/imports/culture-dates.ts';

const utc = (...parts: [number, number, number, number?, number?, number?]) => {
  const [y, m, d, h = 0, mi = 0, s = 0] = parts;
  return Date.UTC(y, m - 1, d, h, mi, s) / 1000;
};

describe('dateReader', () => {
  it('reads .NET patterns as UTC, with 12 AM as midnight and 12 PM as noon', () => {
    const us = dateReader('M/d/yyyy h:mm:ss tt');
    expect(us.read('1/5/2020 12:00:00 AM')).toBe(utc(2020, 1, 5));
    expect(us.read('1/5/2020 12:30:00 PM')).toBe(utc(2020, 1, 5, 12, 30));
    expect(us.read('01/05/2020 1:00:00 pm')).toBe(utc(2020, 1, 5, 13));
    expect(dateReader('dd.MM.yyyy HH:mm:ss').read('05.01.2020 23:59:59')).toBe(utc(2020, 1, 5, 23, 59, 59));
    expect(dateReader("yyyy-MM-dd'T'HH:mm:sszzz").read('2020-01-05T01:00:00+01:00')).toBe(utc(2020, 1, 5));
    expect(dateReader('d/M/yyyy').read('5/1/2020')).toBe(utc(2020, 1, 5));
  });

  it('refuses dates that do not exist and text that does not match', () => {
    const de = dateReader('d.M.yyyy H:mm:ss');
    expect(de.read('30.02.2020 10:00:00')).toBeNull();
    expect(de.read('05.01.2020 24:00:00')).toBeNull();
    expect(de.read('1/5/2020 10:00:00')).toBeNull();
    expect(dateReader('M/d/yyyy h:mm:ss tt').read('1/5/2020 13:00:00 PM')).toBeNull();
  });

  it('refuses patterns it cannot honour, naming them', () => {
    expect(() => dateReader('dd MMM yyyy')).toThrow('date format "dd MMM yyyy": "MMM" is not supported');
    expect(() => dateReader('M/d/yy')).toThrow(/"yy" is not supported/);
    expect(() => dateReader('M/d/yyyy h:mm')).toThrow(/h \(12-hour clock\) and tt/);
    expect(() => dateReader('HH:mm')).toThrow(/has no yyyy/);
  });
});

describe('detectDateFormat', () => {
  it('lets one day above 12 decide between month-first and day-first', () => {
    const found = detectDateFormat(['3/4/2020 1:00:00 AM', '3/13/2020 1:00:00 AM']);
    expect(found).toMatchObject({ kind: 'found', reader: { format: 'M/d/yyyy h:mm:ss tt' } });
    expect(detectDateFormat(['3/4/2020 01:00:00', '13/3/2020 01:00:00']))
      .toMatchObject({ kind: 'found', reader: { format: 'd/M/yyyy H:mm:ss' } });
    expect(detectDateFormat(['3/4/2020 1:00:00 AM'])).toMatchObject({ kind: 'ambiguous', example: '3/4/2020 1:00:00 AM' });
  });

  it('needs nothing to decide when day equals month everywhere, or for dotted and ISO dates', () => {
    expect(detectDateFormat(['4/4/2020 1:00:00 AM']).kind).toBe('found');
    expect(detectDateFormat(['04.03.2020 01:00:00'])).toMatchObject({ reader: { format: 'd.M.yyyy H:mm:ss' } });
    expect(detectDateFormat(['2020-03-04T01:00:00+00:00'])).toMatchObject({ reader: { format: 'ISO 8601' } });
    expect(detectDateFormat(['2020/03/04 01:00:00'])).toMatchObject({ reader: { format: 'yyyy/M/d H:mm:ss' } });
  });

  it('names the format that reads most values when none reads all', () => {
    expect(detectDateFormat(['04.03.2020 01:00:00', '05.03.2020 01:00:00', 'soon']))
      .toMatchObject({ kind: 'none', best: { format: 'd.M.yyyy H:mm:ss' } });
    expect(detectDateFormat(['soon'])).toEqual({ kind: 'none', best: null });
  });
});
