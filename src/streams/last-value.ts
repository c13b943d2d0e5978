/**
 * The last value of a hot stream, packed once the burst of frames it came in has been handled: a value
 * replaced within the same task (a socket read carries many frames under load) is never packed.
 */
import type { ReplayPacker } from '../../operators/cacheReplay.js';

/** Slots holding a value not yet packed, packed together in one microtask. */
const pending: LastValue<unknown>[] = [];

function packPending(): void {
  for (let i = 0; i < pending.length; i++) pending[i]?.pack();
  pending.length = 0;
}

/**
 * One stream's last value: kept as it came until the current task ends, then packed by `packer`.
 *
 * @example
 * ```ts
 * const last = new LastValue(new DecimalPacker<Ticker>(TICKER_DECIMALS));
 * last.set(ticker); // packed at the end of this task
 * last.get(); // the ticker, or an equal copy once packed
 * ```
 */
export class LastValue<T> {
  readonly #packer: ReplayPacker<T, unknown>;
  #value: T | undefined;
  #packed: unknown;
  #queued = false;

  constructor(packer: ReplayPacker<T, unknown>) {
    this.#packer = packer;
  }

  /** Keeps `value`; it is packed in a microtask unless replaced before. */
  set(value: T): void {
    this.#value = value;
    this.#packed = undefined;
    if (this.#queued) return;
    this.#queued = true;
    if (pending.push(this as LastValue<unknown>) === 1) queueMicrotask(packPending);
  }

  /** The value kept (an equal copy once packed), or `undefined`. */
  get(): T | undefined {
    if (this.#value !== undefined || this.#packed === undefined) return this.#value;
    return this.#packer.unpack(this.#packed);
  }

  /** Forgets the value. */
  clear(): void {
    this.#value = undefined;
    this.#packed = undefined;
  }

  /** Packs the value kept (called from the microtask); a packer that throws leaves it as it came. */
  pack(): void {
    this.#queued = false;
    const value = this.#value;
    if (value === undefined) return;
    try {
      this.#packed = this.#packer.pack(value);
      this.#value = undefined;
    } catch {
      // kept unpacked: costs heap, loses nothing
    }
  }
}

/**
 * A kind's packer for `cacheReplay`, shared by its streams: the value `cacheReplay` is handed was just
 * kept by its stream's {@link LastValue} (`remember`), so the replay holds that slot instead of packing
 * again; any other value is packed at once.
 */
export class SlotPacker<T> implements ReplayPacker<T, unknown> {
  readonly #packer: ReplayPacker<T, unknown>;
  #value: T | undefined;
  #slot: LastValue<T> | undefined;

  constructor(packer: ReplayPacker<T, unknown>) {
    this.#packer = packer;
  }

  /** `slot` has just been set to `value`; the next `pack(value)` returns it. */
  remember(value: T, slot: LastValue<T>): void {
    this.#value = value;
    this.#slot = slot;
  }

  pack(value: T): unknown {
    const slot = this.#slot;
    const kept = slot !== undefined && value === this.#value;
    this.#value = undefined;
    this.#slot = undefined;
    return kept ? slot : this.#packer.pack(value);
  }

  unpack(packed: unknown): T {
    return packed instanceof LastValue ? (packed.get() as T) : this.#packer.unpack(packed);
  }
}
