import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../electron/core/chargeback/canonical-json.ts';

describe('canonical JSON', () => {
  it('writes the same text whatever order the keys were built in, sorted and without whitespace', () => {
    const a = { b: 1, a: { y: ['x', { d: null, c: true }], x: '1.50' } };
    const b = { a: { x: '1.50', y: ['x', { c: true, d: null }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"x":"1.50","y":["x",{"c":true,"d":null}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('escapes text as JSON does and leaves out undefined members like JSON.stringify', () => {
    expect(canonicalJson({ note: 'say "hi"\n€', gone: undefined, list: [undefined] })).toBe(
      '{"list":[null],"note":"say \\"hi\\"\\n€"}',
    );
    expect(JSON.parse(canonicalJson({ z: 'é', a: -0.5 }))).toEqual({ a: -0.5, z: 'é' });
  });

  it('refuses values whose text would not read back as the same value', () => {
    expect(() => canonicalJson({ amount: Number.NaN })).toThrow(/\$\.amount is NaN/);
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(/\$\.at is a Date object/);
    expect(() => canonicalJson([1n])).toThrow(/\$\[0\] is a bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/is a function/);
  });
});
