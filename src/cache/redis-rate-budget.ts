/**
 * One rate-limit budget per exchange group for every process on an egress IP, counted in Redis. Upbit
 * counts quotation requests per IP: three gateway replicas behind one NAT each holding a whole budget
 * of 10 a second send 30, and the exchange answers 429, then 418. Counted here, they send 10 together.
 *
 * The semantics are the in-process limiter's (see `src/core/rate-limit/`): units taken stay spent until
 * released (the reply is in), then for one window and the safety margin, so no interval of a window
 * ever sees more than the limit, for fixed and sliding server windows alike. One Lua script takes units
 * atomically: it forgets the units whose time has come, checks a shared 418 block, and takes the units
 * or answers how long until enough come back. Times are Redis' own (`TIME`), one clock for all
 * processes. A process that dies holding units loses them after `maxHoldMs`.
 *
 * Like {@link RedisReplyCache}, it talks to Redis through one command function (no client imported) and
 * never fails a request: a command that errors or is slower than `timeoutMs` answers "count locally",
 * the budget stands aside for `pauseMs`, and the limiter falls back to its local share meanwhile.
 */
import type { RateLimitRule } from '../core/rate-limit/rate-limit-group.js';
import type { SharedRateBudget, SharedTake } from '../core/rate-limit/shared-budget.js';
import { RedisLink, type RedisLinkOptions } from './redis-link.js';

/**
 * Options of a {@link RedisRateBudget}: `prefix` defaults to 'mdb:rate:', `timeoutMs` to 250; while it
 * stands aside after a failure (`pauseMs`), every take answers "count locally".
 */
export interface RedisRateBudgetOptions extends RedisLinkOptions {
  /** Time a unit stays spent after its release, on top of the window (ms), as the limiter's. @default 25 */
  readonly safetyMarginMs?: number | undefined;
  /** Longest a take may hold its units unreleased (a crashed process's units come back then). @default 30_000 */
  readonly maxHoldMs?: number | undefined;
  /** This process's name among the peers of a budget. @default a random id */
  readonly processId?: string | undefined;
  /** How long a process counts as a peer after its last take (ms). @default 10_000 */
  readonly peerTtlMs?: number | undefined;
}

/** What a {@link RedisRateBudget} has done so far. */
export interface RedisRateBudgetStats {
  readonly granted: number;
  readonly waits: number;
  /** Takes answered "count locally" (Redis failed, or the budget stood aside). */
  readonly local: number;
  readonly errors: number;
}

/**
 * KEYS: units (zset member `token:cost`, score = when they come back), units used, peers, block.
 * ARGV: limit, window, margin, cost, maxHold, token, process id, peer TTL.
 * Returns `{1, 0, peers}` (taken) or `{0, waitMs, peers}`.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, margin, cost, hold = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl = window + margin + hold
local function costOf(member) return tonumber(string.match(member, ':(%d+)$')) end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, member in ipairs(gone) do used = used - costOf(member) end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
if used < 0 or redis.call('ZCARD', KEYS[1]) == 0 then used = 0 end
redis.call('ZADD', KEYS[3], now, ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[8]))
redis.call('PEXPIRE', KEYS[3], ARGV[8])
local peers = redis.call('ZCARD', KEYS[3])
local blocked = tonumber(redis.call('GET', KEYS[4]) or '0')
if blocked > now then
  redis.call('SET', KEYS[2], used, 'PX', ttl)
  return {0, blocked - now, peers}
end
if used + cost <= limit then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[6] .. ':' .. cost)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('SET', KEYS[2], used + cost, 'PX', ttl)
  return {1, 0, peers}
end
redis.call('SET', KEYS[2], used, 'PX', ttl)
local missing = used + cost - limit
local items = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do
  missing = missing - costOf(items[i])
  -- A unit still held comes back one window after its release, which may come any time now.
  if missing <= 0 then return {0, math.min(tonumber(items[i + 1]) - now, window + margin), peers} end
end
return {0, window, peers}
`;

/** KEYS: units. ARGV: member, window + margin. The member's units come back one window from now. */
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
`;

/** KEYS: block. ARGV: duration. A shorter block never shortens a longer one. */
const BLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1]) end
return untilMs
`;

/**
 * A {@link SharedRateBudget} in Redis: pass it as the `rateBudget` option of every backbone (or
 * gateway replica) that shares an egress IP.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true }).connect();
 * const rateBudget = new RedisRateBudget({ command: (args) => redis.sendCommand(args) });
 * const backbone = new MarketDataBackbone({ rateBudget });
 * ```
 */
export class RedisRateBudget implements SharedRateBudget {
  readonly #link: RedisLink;
  readonly #marginMs: number;
  readonly #maxHoldMs: number;
  readonly #processId: string;
  readonly #peerTtlMs: number;
  /** Peers last seen per budget key, for the local share while Redis is away. */
  readonly #peers = new Map<string, number>();
  #tokens = 0;
  #stats = { granted: 0, waits: 0, local: 0 };

  constructor(options: RedisRateBudgetOptions) {
    this.#link = new RedisLink(options, { name: 'Redis rate budget (counting locally meanwhile)', prefix: 'mdb:rate:', timeoutMs: 250 });
    this.#marginMs = options.safetyMarginMs ?? 25;
    this.#maxHoldMs = options.maxHoldMs ?? 30_000;
    this.#processId = options.processId ?? Math.random().toString(36).slice(2, 12);
    this.#peerTtlMs = options.peerTtlMs ?? 10_000;
  }

  /** Counters since construction (a copy). */
  get stats(): RedisRateBudgetStats {
    return { ...this.#stats, errors: this.#link.errors };
  }

  /** Takes `cost` units of `rule` for `scope`, or says how long to wait, or (Redis failing) to count locally. */
  async take(scope: string, rule: RateLimitRule, cost: number): Promise<SharedTake> {
    const key = this.#key(scope, rule.group);
    const peers = this.#peers.get(key) ?? 1;
    if (this.#link.paused) return this.#local(peers);
    const token = `${this.#processId}.${(this.#tokens += 1)}`;
    const args = [rule.limit, rule.windowMs, this.#marginMs, cost, this.#maxHoldMs, token, this.#processId, this.#peerTtlMs].map(String);
    let reply: unknown;
    try {
      reply = await this.#run(TAKE, [`${key}:units`, `${key}:used`, `${key}:peers`, `${key}:block`], args);
    } catch {
      return this.#local(peers);
    }
    const [taken, waitMs, seen] = Array.isArray(reply) ? reply.map(Number) : [];
    if (taken === undefined || waitMs === undefined || seen === undefined) return this.#local(peers);
    this.#peers.set(key, seen);
    if (taken === 1) {
      this.#stats.granted += 1;
      return { kind: 'granted', token: `${token}:${cost}`, peers: seen };
    }
    this.#stats.waits += 1;
    return { kind: 'wait', waitMs, peers: seen };
  }

  /** The units of `token` come back one window (and the margin) from now; not waited for. */
  release(scope: string, rule: RateLimitRule, token: string): void {
    if (this.#link.paused) return;
    this.#run(RELEASE, [`${this.#key(scope, rule.group)}:units`], [token, String(rule.windowMs + this.#marginMs)]).catch(() => undefined);
  }

  /** Holds `group` of `scope` for every process for `durationMs`; not waited for. */
  block(scope: string, group: string, durationMs: number): void {
    if (this.#link.paused) return;
    this.#run(BLOCK, [`${this.#key(scope, group)}:block`], [String(Math.ceil(durationMs))]).catch(() => undefined);
  }

  #key(scope: string, group: string): string {
    // The hash tag keeps a group's keys on one slot of a Redis Cluster, as a script needs.
    return `${this.#link.prefix}{${scope}:${group}}`;
  }

  #local(peers: number): SharedTake {
    this.#stats.local += 1;
    return { kind: 'local', peers };
  }

  /** Runs a script (Redis keeps it compiled: the same text is compiled once). */
  #run(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.#link.run(['EVAL', script, String(keys.length), ...keys, ...args]);
  }
}
