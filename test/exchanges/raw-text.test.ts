import { describe, expect, it } from 'vitest';
import { toRawText } from '../../src/exchanges/kit/raw-text.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

describe('toRawText', () => {
  it('should keep a string as it is', () => {
    expect(toRawText('<html>not json</html>')).toBe('<html>not json</html>');
  });

  it('should stringify a parsed value with every digit of a large id', () => {
    const text = '{"id":12345678901234567890,"price":"0.1"}';
    expect(toRawText(parseJsonExact(text))).toBe(text);
    expect(toRawText([1, null, true])).toBe('[1,null,true]');
  });

  it('should fall back to String() for what cannot be stringified', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(toRawText(cyclic)).toBe('[object Object]');
    expect(toRawText(undefined)).toBe('undefined');
  });
});
