/**
 * The deterministic mid-price path of a market: a sum of value-noise octaves in log space.
 *
 * Each octave places hashed values in [-1, 1] on a lattice of its period and interpolates between them
 * with a smoothstep, so the path is continuous, evaluable at any instant in O(octaves) with no stored
 * state, and bounded: amplitudes scale like √period (random-walk-like from 1 minute to 90 days) and sum
 * to about 0.3 in log price, i.e. the price stays within roughly ×0.74 … ×1.35 of its base.
 */
import { mix, toUnit } from './hash.js';

/** What the price path reads of a market's profile (`MarketProfile` has it all). */
export interface PathProfile {
  readonly basePrice: number;
  readonly tickNumber: number;
  readonly minTicks: number;
  readonly maxTicks: number;
  readonly volatility: number;
  readonly path: PathMemo;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `[period ms, amplitude in log price]`, slowest first. */
const OCTAVES: ReadonlyArray<readonly [number, number]> = [
  [90 * DAY, 0.12],
  [30 * DAY, 0.08],
  [7 * DAY, 0.05],
  [DAY, 0.025],
  [6 * HOUR, 0.012],
  [HOUR, 0.006],
  [15 * MINUTE, 0.003],
  [4 * MINUTE, 0.0015],
  [MINUTE, 0.0008],
];

/**
 * The largest absolute log deviation a path with volatility 1 can reach.
 *
 * @example
 * ```ts
 * Math.exp(PATH_AMPLITUDE); // ≈ 1.35: the highest multiple of the base price
 * ```
 */
export const PATH_AMPLITUDE = OCTAVES.reduce((sum, [, amplitude]) => sum + amplitude, 0);

const PATH_SALT = 0x5041_5448;

/**
 * Per-market memo of the lattice values last used by each octave. Consecutive evaluations (minute by
 * minute) mostly reuse them, so a path value costs one or two hashes instead of eighteen. The memo only
 * caches pure values, so sharing or dropping it never changes a result.
 */
export interface PathMemo {
  /** The last `midTicks` call: `[time, value]`. */
  readonly last: Float64Array;
  readonly octaveKeys: Uint32Array;
  readonly index: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
}

/**
 * Creates the path memo of a market whose hash key is `key`.
 *
 * @example
 * ```ts
 * const memo = createPathMemo(profileKey);
 * ```
 */
export function createPathMemo(key: number): PathMemo {
  const octaveKeys = new Uint32Array(OCTAVES.length);
  for (let o = 0; o < OCTAVES.length; o++) octaveKeys[o] = mix(key, PATH_SALT + o);
  return {
    last: Float64Array.of(Number.NaN, 0),
    octaveKeys,
    index: new Float64Array(OCTAVES.length).fill(Number.NaN),
    a: new Float64Array(OCTAVES.length),
    b: new Float64Array(OCTAVES.length),
  };
}

function latticeValue(octaveKey: number, index: number): number {
  return 2 * toUnit(mix(octaveKey, index)) - 1;
}

/**
 * The path's log deviation from the base price at `timeMs` (before band clamping).
 *
 * @example
 * ```ts
 * const x = logDeviation(profile, Date.UTC(2025, 6, 30)); // |x| <= PATH_AMPLITUDE × volatility
 * ```
 */
export function logDeviation(profile: PathProfile, timeMs: number): number {
  const memo = profile.path;
  let sum = 0;
  for (let o = 0; o < OCTAVES.length; o++) {
    const octave = OCTAVES[o];
    if (octave === undefined) continue;
    const position = timeMs / octave[0];
    const index = Math.floor(position);
    const known = memo.index[o] ?? Number.NaN;
    const octaveKey = memo.octaveKeys[o] ?? 0;
    if (index !== known) {
      memo.a[o] = index === known + 1 ? (memo.b[o] ?? 0) : latticeValue(octaveKey, index);
      memo.b[o] = latticeValue(octaveKey, index + 1);
      memo.index[o] = index;
    }
    const a = memo.a[o] ?? 0;
    const f = position - index;
    sum += octave[1] * (a + ((memo.b[o] ?? 0) - a) * f * f * (3 - 2 * f));
  }
  return sum * profile.volatility;
}

/**
 * The mid price at `timeMs` in (fractional) ticks, clamped one tick inside the market's band.
 *
 * @example
 * ```ts
 * const mid = midTicks(profile, now) * profile.tickNumber; // approximate mid price
 * ```
 */
export function midTicks(profile: PathProfile, timeMs: number): number {
  const last = profile.path.last;
  if (last[0] === timeMs) return last[1] ?? 0;
  const ticks = (profile.basePrice * Math.exp(logDeviation(profile, timeMs))) / profile.tickNumber;
  const value = Math.min(profile.maxTicks - 1, Math.max(profile.minTicks + 1, ticks));
  last[0] = timeMs;
  last[1] = value;
  return value;
}
