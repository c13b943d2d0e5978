/** A parsed symbol: base and quote currency, upper case. */
export interface SymbolParts {
  readonly base: string;
  readonly quote: string;
}

/**
 * Builds the unified `BASE/QUOTE` symbol.
 *
 * @example
 * ```ts
 * toUnifiedSymbol({ base: 'BTC', quote: 'KRW' }); // 'BTC/KRW'
 * ```
 */
export function toUnifiedSymbol(parts: SymbolParts): string {
  return `${parts.base}/${parts.quote}`;
}

/**
 * Parses a unified `BASE/QUOTE` symbol (case-insensitive), or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseUnifiedSymbol('btc/krw'); // { base: 'BTC', quote: 'KRW' }
 * ```
 */
export function parseUnifiedSymbol(symbol: string): SymbolParts | undefined {
  const match = /^([A-Za-z0-9]+)\/([A-Za-z0-9]+)$/.exec(symbol.trim());
  if (match === null) return undefined;
  return { base: match[1]!.toUpperCase(), quote: match[2]!.toUpperCase() };
}
