/**
 * How much of a rate-limit group a client takes when the exchange's budget is shared with clients it
 * cannot see: other processes on the same IP (Upbit counts quotation requests per IP) or the same
 * account. Each client alone keeps under the limit, yet two of them at full speed make the server
 * refuse (429) and then block (418). The answer is TCP's: halve the share on a refusal (once per
 * window, however many refusals one burst brought), and win a tenth of the limit back every few quiet
 * windows (additive increase, multiplicative decrease). Clients that share a budget this way converge on
 * fair shares without talking to each other.
 */

/** A group's reduced share: `limit` units per window from `since` on, growing back from there. */
export interface BudgetShare {
  readonly limit: number;
  readonly since: number;
}

/** Options of the share arithmetic. */
export interface BudgetShareOptions {
  /** Windows without a refusal after which a tenth of the limit (at least one unit) comes back. @default 5 */
  readonly recoverWindows?: number | undefined;
  /**
   * Longest wait between two such steps, for groups with long windows (Binance counts weight per
   * minute: five windows would be five minutes a step). @default 10_000
   */
  readonly maxRecoverMs?: number | undefined;
}

/**
 * The limit that applies at `now`: the rule's, or the reduced share grown back by a tenth of the rule
 * (at least one unit) per `recoverWindows` windows, or per `maxRecoverMs` when that is shorter, since
 * it was set (never above the rule's).
 *
 * @example
 * ```ts
 * shareLimit(10, 1000, { limit: 5, since: 0 }, 5_000);        // 6: one unit back after five windows
 * shareLimit(6000, 60_000, { limit: 3000, since: 0 }, 10_000); // 3600: 600 back after 10 s
 * ```
 */
export function shareLimit(ruleLimit: number, windowMs: number, share: BudgetShare | undefined, now: number, options: BudgetShareOptions = {}): number {
  if (share === undefined) return ruleLimit;
  const periodMs = Math.min(windowMs * (options.recoverWindows ?? 5), options.maxRecoverMs ?? 10_000);
  const steps = Math.max(0, Math.floor((now - share.since) / periodMs));
  return Math.min(ruleLimit, share.limit + steps * Math.max(1, Math.round(ruleLimit / 10)));
}

/**
 * The share after the server refused a request at `now`: half of what applied (at least one unit), or
 * unchanged when it was already halved less than a window ago (the same burst's other refusals).
 * `undefined` means the full rule applies again.
 *
 * @example
 * ```ts
 * shrinkShare(10, 1000, undefined, 0);               // { limit: 5, since: 0 }
 * shrinkShare(10, 1000, { limit: 5, since: 0 }, 400); // unchanged: same window
 * ```
 */
export function shrinkShare(ruleLimit: number, windowMs: number, share: BudgetShare | undefined, now: number, options: BudgetShareOptions = {}): BudgetShare {
  if (share !== undefined && now - share.since < windowMs) return share;
  const current = shareLimit(ruleLimit, windowMs, share, now, options);
  return { limit: Math.max(1, Math.floor(current / 2)), since: now };
}
