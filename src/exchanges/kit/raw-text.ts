/**
 * The text of an offending payload for a `ParseError`'s `raw`: strings as they are, anything else
 * stringified with `lossless-json` so ids and prices beyond 2^53 keep their digits. Exchange-neutral.
 */
import { stringify } from 'lossless-json';

/**
 * `raw` as text: a string unchanged, a parsed value stringified exactly, and `String(raw)` for what
 * cannot be stringified (`undefined`, a value with a cycle).
 *
 * @example
 * ```ts
 * toRawText(parseJsonExact('{"id":12345678901234567890}')); // '{"id":12345678901234567890}'
 * ```
 */
export function toRawText(raw: unknown): string {
  try {
    return typeof raw === 'string' ? raw : (stringify(raw) ?? String(raw));
  } catch {
    return String(raw);
  }
}
