import { describe, expect, it } from 'vitest';
import { isLosslessNumber } from 'lossless-json';
import { toBig, toIdString } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

const field = (text: string, key: string): unknown => (parseJsonExact(text) as Record<string, unknown>)[key];

describe('parseJsonExact', () => {
  it('keeps every digit of a 27-significant-digit balance', () => {
    const value = field('{"balance":1386929.37231066771348207123}', 'balance');
    expect(isLosslessNumber(value)).toBe(true);
    expect(toBig(value as never).toFixed()).toBe('1386929.37231066771348207123');
  });

  it('keeps ids beyond 2^53 exact', () => {
    const value = field('{"sequential_id":17103275719220001}', 'sequential_id');
    expect(toIdString(value as never)).toBe('17103275719220001');
  });

  it('uses the native parser when every number round-trips, with the same values', () => {
    const text = '{"p":31883000.00000000,"a":137728155832.9616000000000000,"r":0.0126713295,"z":0,"s":"2025-07-14"}';
    const parsed = parseJsonExact(text) as Record<string, unknown>;
    expect(parsed['p']).toBe(31883000);
    expect(parsed['a']).toBe(137728155832.9616);
    expect(toBig(parsed['a'] as number).eq('137728155832.9616')).toBe(true);
    expect(parsed['s']).toBe('2025-07-14');
  });

  it('falls back to lossless parsing for a 17-digit value a double changes', () => {
    const value = field('{"v":105514711074.187261}', 'v');
    expect(toBig(value as never).toFixed()).toBe('105514711074.187261');
  });

  it('reads exponent spellings exactly', () => {
    expect(toBig(field('{"v":1.16539E8}', 'v') as never).toFixed()).toBe('116539000');
    expect(toBig(field('{"v":7.9276E-4}', 'v') as never).toFixed()).toBe('0.00079276');
  });

  it('is not fooled by long digit runs inside strings', () => {
    const parsed = parseJsonExact('{"id":"12345678901234567890","n":1.5}') as Record<string, unknown>;
    expect(parsed['id']).toBe('12345678901234567890');
    expect(toBig(parsed['n'] as never).toFixed()).toBe('1.5');
  });

  it('leaves long digit runs inside strings (escaped quotes included) untouched', () => {
    const text = '{"note":"say \\"12345678901234567890\\" twice","v":105514711074.187261,"12345678901234567890":1}';
    const parsed = parseJsonExact(text) as Record<string, unknown>;
    expect(parsed['note']).toBe('say "12345678901234567890" twice');
    expect(toBig(parsed['v'] as never).toFixed()).toBe('105514711074.187261');
    expect(parsed['12345678901234567890']).toBe(1);
  });

  it('stays exact when the text itself holds the internal marker character', () => {
    const parsed = parseJsonExact('{"s":"\\uffff1","raw":"\uffffx","v":105514711074.187261}') as Record<string, unknown>;
    expect(parsed['s']).toBe('\uffff1');
    expect(parsed['raw']).toBe('\uffffx');
    expect(toBig(parsed['v'] as never).toFixed()).toBe('105514711074.187261');
  });

  it('converts inexact numbers nested in arrays and objects', () => {
    const parsed = parseJsonExact('[{"u":[{"p":0.000000000000000012345678901234567}]},17103275719220001]') as [{ u: [{ p: unknown }] }, unknown];
    expect(toBig(parsed[0].u[0].p as never).toFixed()).toBe('0.000000000000000012345678901234567');
    expect(toIdString(parsed[1] as never)).toBe('17103275719220001');
  });

  it('keeps negative long values exact', () => {
    expect(toBig(field('{"v":-0.00000000000000012345678901234567}', 'v') as never).toFixed()).toBe('-0.00000000000000012345678901234567');
  });

  it('throws a SyntaxError on malformed text', () => {
    expect(() => parseJsonExact('[{"a":1')).toThrow(SyntaxError);
    expect(() => parseJsonExact('[{"a":12345678901234567890')).toThrow(SyntaxError);
  });
});
