/**
 * The simulator's market catalogue: Upbit-style codes and names with the parameters that drive each
 * market's deterministic price path and trade flow.
 *
 * Base prices are chosen inside one band of the tick table each (so a market keeps one tick size; see
 * `market-profile.ts`) and together span the KRW table from 1,000-KRW ticks down to 0.000001 KRW.
 */

/** Upbit's five `market_event.caution` flags. */
export const CAUTION_FLAGS = [
  'PRICE_FLUCTUATIONS',
  'TRADING_VOLUME_SOARING',
  'DEPOSIT_AMOUNT_SOARING',
  'GLOBAL_PRICE_DIFFERENCES',
  'CONCENTRATION_OF_SMALL_ACCOUNTS',
] as const;

/** One `market_event.caution` flag. */
export type CautionFlag = (typeof CAUTION_FLAGS)[number];

/** How one simulated market is listed and how it trades. */
export interface SimMarketSpec {
  /** Upbit code, `QUOTE-BASE` (`KRW-BTC`). */
  readonly market: string;
  readonly koreanName: string;
  readonly englishName: string;
  /** Centre of the price path, as a decimal string in the quote currency. */
  readonly basePrice: string;
  /** Mean number of trades per minute (a few per second on KRW-BTC, about one on small markets). */
  readonly tradesPerMinute: number;
  /** Typical value of one trade, in the quote currency. */
  readonly notional: number;
  /** Multiplier of the default path amplitude (about 30 % either way). @default 1 */
  readonly volatility?: number | undefined;
  /** First instant with trades (ISO 8601); earlier periods have no trades and no candles. @default DEFAULT_LISTED_AT */
  readonly listedAt?: string | undefined;
  /** `market_event.warning` (and `market_warning: CAUTION` on WebSocket tickers). @default false */
  readonly warning?: boolean | undefined;
  /** `market_event.caution` flags that are `true`. @default [] */
  readonly cautions?: readonly CautionFlag[] | undefined;
}

/** Default first trading instant of a market: history before it is empty. */
export const DEFAULT_LISTED_AT = '2024-01-01T00:00:00Z';

type Row = readonly [string, string, string, string, number, number, number?];

function rows(list: readonly Row[], extra: Readonly<Record<string, Partial<SimMarketSpec>>>): SimMarketSpec[] {
  return list.map(([market, koreanName, englishName, basePrice, tradesPerMinute, notional, volatility]) => ({
    market,
    koreanName,
    englishName,
    basePrice,
    tradesPerMinute,
    notional,
    volatility,
    ...extra[market],
  }));
}

/**
 * The default catalogue: 29 KRW markets (KRW-USDT among them, used as an FX rate), 5 BTC markets and 4
 * USDT markets. A few carry `warning`/`cautions` so clients see both flag states.
 *
 * @example
 * ```ts
 * DEFAULT_MARKETS.find((m) => m.market === 'KRW-BTC')?.koreanName; // '비트코인'
 * ```
 */
export const DEFAULT_MARKETS: readonly SimMarketSpec[] = rows(
  [
    ['KRW-BTC', '비트코인', 'Bitcoin', '150000000', 120, 400000],
    ['KRW-ETH', '이더리움', 'Ethereum', '5000000', 60, 300000],
    ['KRW-XRP', '엑스알피(리플)', 'XRP', '3200', 60, 200000],
    ['KRW-SOL', '솔라나', 'Solana', '250000', 30, 200000],
    ['KRW-DOGE', '도지코인', 'Dogecoin', '330', 30, 100000],
    ['KRW-ADA', '에이다', 'Cardano', '600', 12, 100000],
    ['KRW-XLM', '스텔라루멘', 'Stellar Lumens', '450', 6, 80000],
    ['KRW-TRX', '트론', 'TRON', '330', 6, 80000],
    ['KRW-DOT', '폴카닷', 'Polkadot', '5500', 5, 80000],
    ['KRW-AVAX', '아발란체', 'Avalanche', '32000', 5, 100000],
    ['KRW-LINK', '체인링크', 'Chainlink', '25000', 5, 100000],
    ['KRW-BCH', '비트코인캐시', 'Bitcoin Cash', '700000', 4, 150000, 0.5],
    ['KRW-SUI', '수이', 'Sui', '4800', 8, 100000],
    ['KRW-HBAR', '헤데라', 'Hedera', '300', 4, 60000],
    ['KRW-SAND', '샌드박스', 'The Sandbox', '420', 2, 50000],
    ['KRW-ETC', '이더리움클래식', 'Ethereum Classic', '30000', 3, 80000],
    ['KRW-AAVE', '에이브', 'Aave', '250000', 2, 150000],
    // One of Upbit's busiest markets, and the FX leg of every KRW/USDT premium: a quiet one would age it.
    ['KRW-USDT', '테더', 'Tether', '1390', 180, 300000, 0.08],
    ['KRW-USDC', '유에스디코인', 'USD Coin', '1390', 3, 200000, 0.08],
    ['KRW-ARB', '아비트럼', 'Arbitrum', '600', 2, 50000],
    ['KRW-SEI', '세이', 'Sei', '400', 2, 50000],
    ['KRW-STX', '스택스', 'Stacks', '2000', 1.5, 50000],
    ['KRW-ANKR', '앵커', 'Ankr', '30', 1.2, 30000],
    ['KRW-MBL', '무비블록', 'MovieBloc', '3.2', 1.2, 30000],
    ['KRW-MEW', '캣인어독스월드', 'cat in a dogs world', '0.4', 1.5, 30000],
    ['KRW-XEC', '이캐시', 'eCash', '0.045', 1, 30000],
    ['KRW-SHIB', '시바이누', 'Shiba Inu', '0.02', 2, 50000],
    ['KRW-PEPE', '페페', 'Pepe', '0.02', 3, 50000],
    ['KRW-BTT', '비트토렌트', 'BitTorrent', '0.0025', 1, 30000],
    ['BTC-ETH', '이더리움', 'Ethereum', '0.033', 2, 0.01],
    ['BTC-XRP', '엑스알피(리플)', 'XRP', '0.0000275', 1.5, 0.005],
    ['BTC-SOL', '솔라나', 'Solana', '0.0016', 1, 0.005],
    ['BTC-ADA', '에이다', 'Cardano', '0.0000058', 0.8, 0.003],
    ['BTC-LINK', '체인링크', 'Chainlink', '0.00017', 0.8, 0.003],
    ['USDT-BTC', '비트코인', 'Bitcoin', '110000', 4, 300],
    ['USDT-ETH', '이더리움', 'Ethereum', '3600', 3, 300],
    ['USDT-XRP', '엑스알피(리플)', 'XRP', '2.9', 2, 200],
    ['USDT-SOL', '솔라나', 'Solana', '180', 1.5, 200],
  ],
  {
    'KRW-MEW': { warning: true, cautions: ['PRICE_FLUCTUATIONS', 'TRADING_VOLUME_SOARING'] },
    'KRW-XEC': { warning: true, cautions: ['CONCENTRATION_OF_SMALL_ACCOUNTS'] },
    'KRW-BTT': { warning: true, cautions: [] },
    'KRW-SUI': { listedAt: '2024-05-01T00:00:00Z' },
    'KRW-PEPE': { listedAt: '2024-06-01T00:00:00Z', cautions: ['GLOBAL_PRICE_DIFFERENCES'] },
  },
);
