/**
 * Fast deterministic integer hashing for the market model.
 *
 * Every simulated value (trade counts, prices, volumes, book sizes) is a pure function of
 * `(seed, market, time)`, so nothing random is stored: the model re-derives any instant on demand.
 * MurmurHash3's block step and finaliser give well-mixed 32-bit values at a few nanoseconds each;
 * `Math.random` is never used.
 */

/**
 * MurmurHash3's 32-bit finaliser: avalanches every input bit.
 *
 * @example
 * ```ts
 * fmix32(1) !== fmix32(2); // true, and the two differ in about half their bits
 * ```
 */
export function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Folds a 32-bit integer into a running hash (one MurmurHash3 block step, then the finaliser).
 *
 * @example
 * ```ts
 * const h = mix(mix(seedKey, minuteIndex), tradeIndex);
 * ```
 */
export function mix(hash: number, value: number): number {
  let k = Math.imul(value | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = (hash | 0) ^ k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  return fmix32(h);
}

const TWO_POW_32 = 4294967296;

/**
 * Like {@link mix} for any finite number (milliseconds, scaled prices): low and high words are mixed.
 *
 * @example
 * ```ts
 * mixNumber(key, 1753894995076);
 * ```
 */
export function mixNumber(hash: number, value: number): number {
  const low = value % TWO_POW_32;
  const high = Math.floor(value / TWO_POW_32);
  return mix(mix(hash, low), high);
}

/**
 * FNV-1a over the UTF-16 code units of a string, finalised: a stable 32-bit id for a market code.
 *
 * @example
 * ```ts
 * hashString('KRW-BTC');
 * ```
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * A hash as a uniform number in `[0, 1)`.
 *
 * @example
 * ```ts
 * const u = toUnit(mix(key, 7));
 * ```
 */
export function toUnit(hash: number): number {
  return (hash >>> 0) / TWO_POW_32;
}

/**
 * An approximately standard-normal value from two hashes (Box-Muller).
 *
 * @example
 * ```ts
 * const z = toNormal(mix(key, 1), mix(key, 2));
 * ```
 */
export function toNormal(hashA: number, hashB: number): number {
  const u1 = (toUnit(hashA) * TWO_POW_32 + 1) / (TWO_POW_32 + 1);
  const u2 = toUnit(hashB);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
