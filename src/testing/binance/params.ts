/**
 * Binance REST error replies and query-parameter parsing for the simulator: `{"code":-11xx,"msg":…}`
 * with HTTP 400, as the Spot API answers bad requests.
 */
import type { WireValue } from '../server/wire-json.js';

/**
 * An error reply: HTTP status plus Binance's `{code, msg}` body.
 *
 * @example
 * ```ts
 * throw BinanceReplyError.invalidSymbol(); // 400 {"code":-1121,"msg":"Invalid symbol."}
 * ```
 */
export class BinanceReplyError extends Error {
  override readonly name = 'BinanceReplyError';
  readonly status: number;
  readonly code: number;

  constructor(status: number, code: number, msg: string) {
    super(msg);
    this.status = status;
    this.code = code;
  }

  /** The reply body. */
  get body(): WireValue {
    return { code: this.code, msg: this.message };
  }

  /** -1121: unknown symbol. */
  static invalidSymbol(): BinanceReplyError {
    return new BinanceReplyError(400, -1121, 'Invalid symbol.');
  }

  /** -1102: a mandatory parameter is missing. */
  static mandatory(name: string): BinanceReplyError {
    return new BinanceReplyError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  }

  /** -1100: a parameter does not match its pattern. */
  static illegal(name: string, range: string): BinanceReplyError {
    return new BinanceReplyError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`);
  }
}

const INTEGER = /^[0-9]{1,20}$/;
const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';
const SYMBOLS = /^\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}")*)?\]$/;

/**
 * Rejects unknown (-1103), repeated (-1101) and empty (-1105) parameters.
 *
 * @example
 * ```ts
 * checkParams(url.searchParams, ['symbol', 'limit']);
 * ```
 */
export function checkParams(query: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const [name, value] of query) {
    if (!allowed.includes(name)) throw new BinanceReplyError(400, -1103, 'An unknown parameter was sent.');
    if (seen.has(name)) throw new BinanceReplyError(400, -1101, 'Duplicate values for a parameter detected.');
    if (value === '') throw new BinanceReplyError(400, -1105, `Parameter '${name}' was empty.`);
    seen.add(name);
  }
}

/**
 * An unsigned integer parameter, clamped to `[min, max]`; `undefined` when absent and no fallback.
 *
 * @example
 * ```ts
 * intParam(query, 'limit', { min: 1, max: 5000, fallback: 100 }); // 5000 for limit=9999
 * ```
 */
export function intParam(query: URLSearchParams, name: string, bounds: { readonly min?: number; readonly max?: number; readonly fallback?: number } = {}): number | undefined {
  const text = query.get(name);
  if (text === null) return bounds.fallback;
  if (!INTEGER.test(text)) throw BinanceReplyError.illegal(name, '^[0-9]{1,20}$');
  const value = Number(text);
  return Math.min(bounds.max ?? Number.MAX_SAFE_INTEGER, Math.max(bounds.min ?? 0, value));
}

/**
 * The `symbols` parameter: a JSON array of upper-case names; `undefined` when absent.
 *
 * @example
 * ```ts
 * symbolsParam(new URLSearchParams('symbols=["BTCUSDT","ETHUSDT"]')); // ['BTCUSDT', 'ETHUSDT']
 * ```
 */
export function symbolsParam(query: URLSearchParams): string[] | undefined {
  const text = query.get('symbols');
  if (text === null) return undefined;
  if (!SYMBOLS.test(text)) throw BinanceReplyError.illegal('symbols', SYMBOLS_RANGE);
  const names = (JSON.parse(text) as unknown[]).map(String);
  if (new Set(names).size !== names.length) throw new BinanceReplyError(400, -1151, 'Symbol is present multiple times in the list.');
  if (query.has('symbol')) throw new BinanceReplyError(400, -1128, 'Combination of optional parameters invalid.');
  return names;
}

/**
 * `symbolStatus`: `TRADING` (every simulated symbol's status), `HALT` or `BREAK`; -1122 otherwise.
 *
 * @example
 * ```ts
 * symbolStatusParam(query); // 'TRADING' when absent
 * ```
 */
export function symbolStatusParam(query: URLSearchParams): string | undefined {
  const text = query.get('symbolStatus');
  if (text === null) return undefined;
  if (!['TRADING', 'HALT', 'BREAK'].includes(text)) throw new BinanceReplyError(400, -1122, 'Invalid symbolStatus.');
  return text;
}
