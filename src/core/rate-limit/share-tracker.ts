/**
 * Whether a refusal means "someone else spends this budget" or is noise, and the share that follows.
 *
 * AIMD alone (halve on a refusal, win a tenth back every few quiet windows, see `budget-share.ts`)
 * settles clients that share a budget, but it cannot tell them from a server that refuses a fraction of
 * requests at random (an overloaded gateway): there every cut is followed by more refusals and the share
 * sinks to one unit a window. The two differ in how refusals answer a cut. When clients overrun a
 * budget of `L` together at a total pace `T`, a fraction `1 - L/T` is refused; halving everyone's pace
 * gives `1 - 2L/T`, which is zero for `T <= 2L`, under half the fraction before when `T < 3L`, and at
 * least a third when `T >= 3L`. Random refusals keep the same fraction at any pace. So every cut is a
 * probe: the refused fraction is measured over the windows before it and at least two after it, and a
 * cut after which refusals neither stopped nor dropped below three quarters of the fraction before
 * (while staying at 25 % or less) was noise: the share goes back to what it was before the cut, and
 * that fraction is learnt as the noise floor. Later refusals only cut again when the recent fraction
 * clearly exceeds the floor. The estimates come from small samples (ten requests a window), so a
 * judgement can be wrong either way; a wrong "noise" costs one doubled share, a wrong "crowd" one cut.
 */
import { shareLimit, shrinkShare, type BudgetShare } from './budget-share.js';

/** Requests sent and refused in one window of the group. */
interface WindowCount {
  readonly window: number;
  sent: number;
  refused: number;
}

/** A cut under observation: what applied before it, and the counts since. */
interface Probe {
  /** The limit before the cut (restored if the cut was no use). */
  readonly previous: number;
  /**
   * The counts of the cut's window and the ones before: read when judging, once the refusals of the
   * requests that were in flight at the cut have come in.
   */
  readonly before: readonly WindowCount[];
  /** Start of the window after the cut: the requests counted as "after" are sent from then on. */
  readonly since: number;
  sent: number;
  refused: number;
}

/** Windows a probe runs at least before it is judged. */
const JUDGE_WINDOWS = 2;
/** Windows of counts kept: the refused fraction "before" a cut and "recently" reads them all. */
const HISTORY_WINDOWS = 5;
/** A refused fraction above this is never taken for noise (see the module comment: `T >= 3L`). */
const MAX_NOISE = 0.25;

/**
 * The share of one rate-limit group's limit this client takes: the whole rule until the server refuses
 * a request the limiter let through, then less (see the module comment for when and how much).
 *
 * @example
 * ```ts
 * const tracker = new ShareTracker({ limit: 10, windowMs: 1000 }, 5);
 * tracker.sent(0);
 * tracker.refused(10);
 * tracker.limit(20); // 5
 * ```
 */
export class ShareTracker {
  readonly #ruleLimit: number;
  readonly #windowMs: number;
  readonly #recoverWindows: number;
  #share: BudgetShare | undefined;
  #counts: WindowCount[] = [];
  #probe: Probe | undefined;
  /** The refused fraction that cuts did not reduce: refusals up to about this much are noise. */
  #noise = 0;

  constructor(rule: { readonly limit: number; readonly windowMs: number }, recoverWindows: number) {
    this.#ruleLimit = rule.limit;
    this.#windowMs = rule.windowMs;
    this.#recoverWindows = recoverWindows;
  }

  /** The refused fraction learnt as noise (0 until a cut has proved useless). */
  get noise(): number {
    return this.#noise;
  }

  /** The limit in force at `now`. */
  limit(now: number): number {
    const limit = shareLimit(this.#ruleLimit, this.#windowMs, this.#share, now, { recoverWindows: this.#recoverWindows });
    if (limit >= this.#ruleLimit && this.#share !== undefined) {
      this.#share = undefined;
      this.#probe = undefined;
    }
    return limit;
  }

  /**
   * Takes `limit` units a window from `now` on (growing back as after a cut), or the whole rule again
   * (`undefined`): the share a process assumes when the budget it counted with others becomes invisible
   * (a shared store went down) or visible again.
   */
  assume(limit: number | undefined, now: number): void {
    this.#probe = undefined;
    this.#share = limit === undefined || limit >= this.#ruleLimit ? undefined : { limit: Math.max(1, Math.floor(limit)), since: now };
  }

  /** A request of the group was granted at `now`. */
  sent(now: number): void {
    this.#count(now).sent += 1;
    if (this.#probe !== undefined && now >= this.#probe.since) this.#probe.sent += 1;
  }

  /**
   * The server refused a request of the group at `now` (429 or 418). During a probe the refusal is
   * counted, and judges the probe once it has run {@link JUDGE_WINDOWS} windows with enough requests.
   */
  refused(now: number): void {
    const level = this.limit(now);
    this.#count(now).refused += 1;
    const probe = this.#probe;
    if (probe !== undefined) {
      if (now >= probe.since) probe.refused += 1;
      const judged = now - probe.since >= JUDGE_WINDOWS * this.#windowMs && probe.sent >= Math.max(10, JUDGE_WINDOWS * level);
      if (judged && this.#isNoise(probe)) return;
      // Not judged yet: wait, unless refusals since the cut are already above what noise could be.
      if (!judged && probe.sent > 0 && (probe.refused < 4 || probe.refused <= MAX_NOISE * probe.sent)) return;
    }
    const { sent, refused } = this.#recent(now);
    const fraction = refused / Math.max(1, sent);
    // Once noise is known, only a clearly higher fraction over a full window of requests is a crowd.
    if (probe === undefined && this.#noise > 0 && (sent < 2 * level || fraction <= 2 * this.#noise + 0.05)) return;
    const before = this.#share;
    this.#share = shrinkShare(this.#ruleLimit, this.#windowMs, this.#share, now, { recoverWindows: this.#recoverWindows });
    if (this.#share !== before) {
      const since = (Math.floor(now / this.#windowMs) + 1) * this.#windowMs;
      this.#probe = { previous: level, before: [...this.#counts], since, sent: 0, refused: 0 };
    }
  }

  /**
   * `true` (and the share restored, the fraction learnt) when refusals went on after the cut at three
   * quarters of the fraction before it or more, and at most {@link MAX_NOISE}: the cut did not help.
   */
  #isNoise(probe: Probe): boolean {
    // Both fractions leave out the refusal that triggered the cut or the judgement: counting it would
    // bias each upwards, the small samples of a low pace most.
    const after = (probe.refused - 1) / probe.sent;
    const sent = probe.before.reduce((sum, count) => sum + count.sent, 0);
    const before = (probe.before.reduce((sum, count) => sum + count.refused, 0) - 1) / Math.max(1, sent);
    if (after > MAX_NOISE || after < 0.75 * before) return false;
    // Learnt with the triggering refusal counted: a floor on the high side cuts less for noise.
    this.#noise = probe.refused / probe.sent;
    this.#share = probe.previous >= this.#ruleLimit ? undefined : { limit: probe.previous, since: 0 };
    this.#probe = undefined;
    return true;
  }

  /** Counts of the last {@link HISTORY_WINDOWS} windows up to `now`. */
  #recent(now: number): { sent: number; refused: number } {
    const first = Math.floor(now / this.#windowMs) - HISTORY_WINDOWS + 1;
    let sent = 0;
    let refused = 0;
    for (const count of this.#counts) {
      if (count.window < first) continue;
      sent += count.sent;
      refused += count.refused;
    }
    return { sent, refused };
  }

  #count(now: number): WindowCount {
    const window = Math.floor(now / this.#windowMs);
    const last = this.#counts.at(-1);
    if (last !== undefined && last.window === window) return last;
    const count = { window, sent: 0, refused: 0 };
    this.#counts.push(count);
    if (this.#counts.length > HISTORY_WINDOWS) this.#counts.shift();
    return count;
  }
}
