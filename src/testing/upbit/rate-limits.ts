/**
 * Upbit's per-group request limits as the simulator enforces them, on the simulator's clock.
 *
 * Each group has fixed one-second windows (`perSecond` requests each); `Remaining-Req: sec=` is what is
 * left in the current window after the request. Past the limit a request gets 429. A client that keeps
 * sending while limited (more than `blockAfter` 429s within `blockWindowMs`) is blocked for that group:
 * every request gets 418 until the block ends. Each further offence doubles the block, from
 * `blockBaseMs` up to `blockMaxMs`.
 *
 * Quotation requests with an `Origin` header (what browsers send) are all counted in ONE shared budget,
 * {@link UPBIT_ORIGIN_GROUP} (`origin`), instead of their endpoint's group: `originLimit` per
 * `originWindowMs` (1 per 10 s on Upbit), with the same 429s and 418 escalation as every other group. Their
 * replies say `Remaining-Req: group=origin`. Requests without `Origin` never touch that budget, and
 * exchange (authenticated) groups ignore `Origin`. A block of the endpoint's group (or of every group)
 * still stops its `Origin` requests.
 *
 * Exchange (authenticated) groups have their own limits ({@link UPBIT_EXCHANGE_GROUP_LIMITS}: `default`
 * 30/s, `order` 8/s, `order-cancel-all` 1 per 2 s) and are counted per account: pass the access key as
 * `account` to {@link UpbitRateLimits.check}. A block of a bare group (`block('default', ...)`) covers
 * every account.
 *
 * Upbit documents that the 418 carries the block time but not how; the simulator states it in the body
 * message and ALSO sends `Retry-After` (seconds). That header is a simulator choice.
 */

/** Exchange (authenticated) rate-limit groups, as `Remaining-Req` spells them. */
export type UpbitExchangeGroup = 'default' | 'order' | 'order-cancel-all';

/**
 * The shared budget of quotation requests that carry an `Origin` header, as `Remaining-Req` spells it.
 *
 * @example
 * ```ts
 * reply.headers.get('remaining-req'); // 'group=origin; min=600; sec=0' for a browser request
 * ```
 */
export const UPBIT_ORIGIN_GROUP = 'origin';

/** The `Origin` budget's name as a type. */
export type UpbitOriginGroup = typeof UPBIT_ORIGIN_GROUP;

/** A group's own window: `limit` requests per `windowMs`. */
export interface UpbitGroupLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** Upbit's exchange-group limits (per account). */
export const UPBIT_EXCHANGE_GROUP_LIMITS: Readonly<Record<UpbitExchangeGroup, UpbitGroupLimit>> = {
  default: { limit: 30, windowMs: 1000 },
  order: { limit: 8, windowMs: 1000 },
  'order-cancel-all': { limit: 1, windowMs: 2000 },
};

/**
 * Whether `group` is an exchange (authenticated, per-account) group.
 *
 * @example
 * ```ts
 * isUpbitExchangeGroup('default'); // true
 * isUpbitExchangeGroup('ticker'); // false
 * ```
 */
export function isUpbitExchangeGroup(group: string): group is UpbitExchangeGroup {
  return Object.hasOwn(UPBIT_EXCHANGE_GROUP_LIMITS, group);
}

/**
 * The budget a request is counted in: {@link UPBIT_ORIGIN_GROUP} for a quotation request with an
 * `Origin` header, else its own group (exchange groups ignore `Origin`).
 *
 * @example
 * ```ts
 * upbitBudgetGroup('ticker', true); // 'origin'
 * upbitBudgetGroup('ticker', false); // 'ticker'
 * upbitBudgetGroup('order', true); // 'order'
 * ```
 */
export function upbitBudgetGroup<G extends string>(group: G, hasOrigin: boolean): G | UpbitOriginGroup {
  return hasOrigin && !isUpbitExchangeGroup(group) ? UPBIT_ORIGIN_GROUP : group;
}

/** Limits of an {@link UpbitRateLimits}. */
export interface UpbitRateLimitOptions {
  /** Requests per window per group. @default 10 */
  readonly perSecond?: number | undefined;
  /** Window length (ms). @default 1000 */
  readonly windowMs?: number | undefined;
  /**
   * Groups with their own window instead of `perSecond`/`windowMs`, merged over the default (`origin`
   * is set by `originLimit`/`originWindowMs`, not here).
   * @default UPBIT_EXCHANGE_GROUP_LIMITS
   */
  readonly groups?: Readonly<Record<string, UpbitGroupLimit>> | undefined;
  /** 429s tolerated within `blockWindowMs`; one more blocks the group. @default 10 */
  readonly blockAfter?: number | undefined;
  /** Window over which 429s are counted toward a block (ms). @default 10000 */
  readonly blockWindowMs?: number | undefined;
  /** First block length (ms); doubles with each offence. @default 1000 */
  readonly blockBaseMs?: number | undefined;
  /** Longest block (ms). @default 60000 */
  readonly blockMaxMs?: number | undefined;
  /**
   * Quotation requests carrying an `Origin` header allowed per `originWindowMs`, all endpoints together
   * (the shared `origin` budget). @default 1
   */
  readonly originLimit?: number | undefined;
  /** Window of the `origin` budget (ms), fixed windows like every group's. @default 10000 */
  readonly originWindowMs?: number | undefined;
}

/** The verdict on one request. */
export type LimitDecision =
  | { readonly kind: 'ok'; readonly remaining: number }
  | { readonly kind: 'limited' }
  | { readonly kind: 'blocked'; readonly untilMs: number };

interface GroupState {
  window: number;
  used: number;
  rejectWindow: number;
  rejects: number;
  offences: number;
  blockedUntil: number;
}

/**
 * Per-group windows, 429 counting and 418 blocks.
 *
 * @example
 * ```ts
 * const limits = new UpbitRateLimits({ perSecond: 10 });
 * limits.check('ticker', Date.now(), false); // { kind: 'ok', remaining: 9 }
 * limits.check('ticker', Date.now(), true); // { kind: 'ok', remaining: 0 } (the `origin` budget)
 * ```
 */
export class UpbitRateLimits {
  readonly #perSecond: number;
  readonly #windowMs: number;
  readonly #blockAfter: number;
  readonly #blockWindowMs: number;
  readonly #blockBaseMs: number;
  readonly #blockMaxMs: number;
  readonly #groups: ReadonlyMap<string, UpbitGroupLimit>;
  readonly #states = new Map<string, GroupState>();
  #allBlockedUntil = 0;

  constructor(options: UpbitRateLimitOptions = {}) {
    this.#perSecond = options.perSecond ?? 10;
    this.#windowMs = options.windowMs ?? 1000;
    this.#blockAfter = options.blockAfter ?? 10;
    this.#blockWindowMs = options.blockWindowMs ?? 10_000;
    this.#blockBaseMs = options.blockBaseMs ?? 1000;
    this.#blockMaxMs = options.blockMaxMs ?? 60_000;
    const origin: UpbitGroupLimit = { limit: options.originLimit ?? 1, windowMs: options.originWindowMs ?? 10_000 };
    this.#groups = new Map(Object.entries({ ...UPBIT_EXCHANGE_GROUP_LIMITS, ...options.groups, [UPBIT_ORIGIN_GROUP]: origin }));
  }

  /** The configured per-window limit (what `sec=` starts from). */
  get perSecond(): number {
    return this.#perSecond;
  }

  /** The limit and window of `group` (its own, else `perSecond` per `windowMs`). */
  limitOf(group: string): UpbitGroupLimit {
    return this.#groups.get(group) ?? { limit: this.#perSecond, windowMs: this.#windowMs };
  }

  /**
   * Counts a request of `group` at `now` and says whether it may be served. A quotation request with
   * `hasOrigin` is counted in the shared `origin` budget instead (see {@link upbitBudgetGroup}).
   * `account` (an access key) gives the account its own window, 429 count and block in that group.
   */
  check(group: string, now: number, hasOrigin: boolean, account?: string): LimitDecision {
    const budget = upbitBudgetGroup(group, hasOrigin);
    const state = this.#state(account === undefined ? budget : `${budget}@${account}`);
    // A ban of the endpoint's group covers every account and its Origin requests too.
    const blockedUntil = Math.max(state.blockedUntil, this.#allBlockedUntil, this.#state(group).blockedUntil);
    if (now < blockedUntil) return { kind: 'blocked', untilMs: blockedUntil };
    const { limit, windowMs } = this.limitOf(budget);
    const window = Math.floor(now / windowMs);
    if (state.window !== window) {
      state.window = window;
      state.used = 0;
    }
    if (state.used < limit) {
      state.used++;
      return { kind: 'ok', remaining: limit - state.used };
    }
    const rejectWindow = Math.floor(now / this.#blockWindowMs);
    if (state.rejectWindow !== rejectWindow) {
      state.rejectWindow = rejectWindow;
      state.rejects = 0;
    }
    state.rejects++;
    if (state.rejects <= this.#blockAfter) return { kind: 'limited' };
    state.offences++;
    state.rejects = 0;
    state.blockedUntil = now + Math.min(this.#blockBaseMs * 2 ** (state.offences - 1), this.#blockMaxMs);
    return { kind: 'blocked', untilMs: state.blockedUntil };
  }

  /** Blocks `group` (every group when `undefined`; `origin` for the `Origin` budget only) until `untilMs`. */
  block(group: string | undefined, untilMs: number): void {
    if (group === undefined) this.#allBlockedUntil = Math.max(this.#allBlockedUntil, untilMs);
    else this.#state(group).blockedUntil = Math.max(this.#state(group).blockedUntil, untilMs);
  }

  /** Forgets every window, count, offence and block. */
  reset(): void {
    this.#states.clear();
    this.#allBlockedUntil = 0;
  }

  #state(key: string): GroupState {
    let state = this.#states.get(key);
    if (state === undefined) {
      state = { window: Number.NaN, used: 0, rejectWindow: Number.NaN, rejects: 0, offences: 0, blockedUntil: 0 };
      this.#states.set(key, state);
    }
    return state;
  }
}
