import { describe, expect, it } from 'vitest';
import {
  restoreFormula,
  csvField, csvRecord, isPlainDecimal, neutraliseFormula, survivesDouble,
} from '../../../electron/core/exports/spreadsheet-safe.ts';

describe('spreadsheet-safe cells', () => {
  it('prefixes text that a spreadsheet would run as a formula with an apostrophe', () => {
    const formulas = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=', '-', '-x'];
    for (const text of formulas) {
      expect(neutraliseFormula(text)).toBe(`'${text}`);
    }
  });

  it('leaves plain decimal numbers and ordinary text as they are', () => {
    for (const text of ['-0.5', '-12', '0', '123.4500', 'web-rg', 'a=b', ' =1', '', "'=already"]) {
      expect(neutraliseFormula(text)).toBe(text);
    }
    expect(isPlainDecimal('-0.5')).toBe(true);
    for (const text of ['-', '1e-7', '.5', '1.', '+1', '1,5', '0x10']) expect(isPlainDecimal(text)).toBe(false);
  });

  it('quotes CSV fields per RFC 4180 and ends records with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvRecord(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('keeps a quantity a number only when a double reads back as the same decimal', () => {
    for (const text of ['0.1', '-0.5', '12', '123.456', '0.000001', '1.50', '9007199254740991']) {
      expect(survivesDouble(text), text).toBe(true);
    }
    // 17 significant digits, a 2^53 + 1 integer and 25 fraction digits all change in a double.
    for (const text of ['26585.555691456838', '9007199254740993', '0.1000000000000000000000001', '1e-7', 'abc']) {
      expect(survivesDouble(text), text).toBe(false);
    }
  });

  it('gives back what was neutralised, and leaves other text with an apostrophe alone', () => {
    for (const text of ['=HYPERLINK("x")', '@platform', '+1', '-x', '\tcmd', 'plain', '-0.5', "'quoted"]) {
      expect(restoreFormula(neutraliseFormula(text)), text).toBe(text);
    }
    expect(restoreFormula("'it's")).toBe("'it's");
  });
});
