/**
 * The bookkeeping of one {@link RateLimiter} group: units spent and when they come back, the server's
 * caps, a block, the queue, and the share of the limit taken when the budget is shared with unseen
 * clients ({@link ShareTracker}). Plain data and pure functions; the limiter owns the timing.
 */
import type { Subscription } from 'rxjs';
import { ShareTracker } from './share-tracker.js';


/** A limit the exchange enforces: at most `limit` cost units per `windowMs` in `group`. */
export interface RateLimitRule {
  readonly group: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** Units spent at one grant. */
export interface Spend {
  /** When the units come back; `Infinity` while a lease holds them (see `RateLimiter.lease`). */
  returnAt: number;
  readonly cost: number;
}

/** "At most `remaining` more units until `until`", from a server reply. */
export interface Cap {
  readonly until: number;
  remaining: number;
}

/** A caller waiting for its units. */
export interface Waiter {
  readonly cost: number;
  /** Units stay spent until released (a lease), instead of coming back one window after the grant. */
  readonly held: boolean;
  /**
   * When the waiter joined the queue (limiter clock), for `RateLimiterOptions.onGrant`; `undefined` when
   * the grant is reported elsewhere (after a shared budget's grant).
   */
  readonly queuedAt: number | undefined;
  /** Called with the spend that holds the units (`undefined` when nothing is counted). */
  readonly grant: (spend: Spend | undefined) => void;
}

/** Everything the limiter knows of one group. */
export interface GroupState {
  readonly group: string;
  readonly rule: RateLimitRule | undefined;
  readonly spends: Spend[];
  inFlight: number;
  caps: Cap[];
  blockedUntil: number;
  readonly queue: Waiter[];
  timer: Subscription | undefined;
  draining: boolean;
  /** The share of the limit taken after refusals (`undefined`: no rule). */
  readonly share: ShareTracker | undefined;
}

/**
 * The limit in force at `now`: the rule's, or the share grown back so far; `Infinity` without a rule.
 */
export function limitNow(state: GroupState, now: number): number {
  return state.share?.limit(now) ?? Infinity;
}

/** A group nothing has been spent in yet; `recoverWindows` paces its share's growth after refusals. */
export function createGroupState(group: string, rule: RateLimitRule | undefined, recoverWindows: number): GroupState {
  const share = rule === undefined ? undefined : new ShareTracker(rule, recoverWindows);
  return { group, rule, spends: [], inFlight: 0, caps: [], blockedUntil: 0, queue: [], timer: undefined, draining: false, share };
}

/** Returns spent units whose time has come and forgets expired caps. */
export function pruneGroup(state: GroupState, now: number): void {
  while (state.spends.length > 0 && state.spends[0]!.returnAt <= now) {
    state.inFlight -= state.spends.shift()!.cost;
  }
  if (state.caps.some((cap) => cap.until <= now)) state.caps = state.caps.filter((cap) => cap.until > now);
}

/**
 * How long until `cost` units may be granted (0: now) under `limit`: the latest of block end, cap ends,
 * unit returns.
 */
export function computeWaitMs(state: GroupState, cost: number, now: number, limit: number): number {
  let waitUntil = Math.max(now, state.blockedUntil);
  for (const cap of state.caps) if (cap.remaining < cost) waitUntil = Math.max(waitUntil, cap.until);
  if (state.rule !== undefined) {
    let missing = cost - (limit - state.inFlight);
    for (const spend of state.spends) {
      if (missing <= 0) break;
      missing -= spend.cost;
      waitUntil = Math.max(waitUntil, spend.returnAt);
    }
  }
  return waitUntil - now;
}

/**
 * Spends `cost` units now: they come back one window plus `marginMs` later (`Infinity`: when released).
 * Returns the spend, or `undefined` when nothing is counted (no rule, or no cost).
 */
export function spendUnits(state: GroupState, cost: number, now: number, marginMs: number): Spend | undefined {
  for (const cap of state.caps) cap.remaining -= cost;
  state.share?.sent(now);
  if (state.rule === undefined || cost === 0) return undefined;
  const spend: Spend = { returnAt: now + state.rule.windowMs + marginMs, cost };
  state.spends.push(spend);
  // Held units (Infinity) sort last; timed ones go before them, in return order.
  if (state.spends.length > 1 && state.spends[state.spends.length - 2]!.returnAt > spend.returnAt) state.spends.sort((a, b) => a.returnAt - b.returnAt);
  state.inFlight += cost;
  return spend;
}
