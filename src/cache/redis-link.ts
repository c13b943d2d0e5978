/**
 * How the library's Redis stores (the reply cache, the rate budget) talk to Redis: through one function
 * that runs a command, so that no Redis client is imported and any fits; within a timeout; and standing
 * aside for a while after a failure instead of piling commands onto a store that is down (node-redis
 * queues commands while it reconnects).
 */
import { ConnectionError } from '../errors/index.js';

/** Runs one Redis command given as its words (`['SET', key, value, 'PX', '1000']`) and answers its reply. */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/** What every Redis store of the library is given. */
export interface RedisLinkOptions {
  /**
   * Runs a Redis command: `(args) => client.sendCommand(args)` with node-redis,
   * `(args) => redis.call(...args)` with ioredis.
   */
  readonly command: RedisCommand;
  /** Prefix of every key, to share one Redis with other users. @default the store's */
  readonly prefix?: string | undefined;
  /** A command slower than this counts as failed. @default the store's */
  readonly timeoutMs?: number | undefined;
  /** How long the store stands aside after an error or a timeout. @default 5_000 */
  readonly pauseMs?: number | undefined;
  /**
   * Told of every failed command as a {@link ConnectionError} (`reason` 'timeout' for a slow one, else
   * 'network' with the client's error as `cause`); the store itself never throws.
   */
  readonly onError?: ((error: ConnectionError) => void) | undefined;
  /** Clock of the pause. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/**
 * One store's link to Redis: commands within a timeout, a pause after a failure, failures reported.
 *
 * @example
 * ```ts
 * const link = new RedisLink({ command }, { name: 'Redis reply cache', prefix: 'mdb:reply:', timeoutMs: 100 });
 * if (!link.paused) await link.run(['GET', `${link.prefix}key`]).catch(() => undefined);
 * ```
 */
export class RedisLink {
  readonly prefix: string;
  readonly #command: RedisCommand;
  readonly #name: string;
  readonly #timeoutMs: number;
  readonly #pauseMs: number;
  readonly #onError: ((error: ConnectionError) => void) | undefined;
  readonly #now: () => number;
  #pausedUntil = 0;
  #errors = 0;

  constructor(options: RedisLinkOptions, defaults: { readonly name: string; readonly prefix: string; readonly timeoutMs: number }) {
    this.#command = options.command;
    this.#name = defaults.name;
    this.prefix = options.prefix ?? defaults.prefix;
    this.#timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
    this.#pauseMs = options.pauseMs ?? 5_000;
    this.#onError = options.onError;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the store stands aside after a failure. */
  get paused(): boolean {
    return this.#now() < this.#pausedUntil;
  }

  /** Commands that failed or timed out so far. */
  get errors(): number {
    return this.#errors;
  }

  /** Runs a command within the timeout; a failure is reported, pauses the link and rejects. */
  run(args: string[]): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => settle(() => reject(this.#failed(new ConnectionError(`${this.#name}: no answer within ${this.#timeoutMs} ms`, { reason: 'timeout' })))), this.#timeoutMs);
      this.#command(args).then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(this.#failed(error))),
      );
    });
  }

  /** Runs a command whose reply nobody needs; its failure pauses the link, never rejects. */
  send(args: string[]): Promise<void> {
    return this.run(args).then(
      () => undefined,
      () => undefined,
    );
  }

  #failed(error: unknown): ConnectionError {
    this.#errors += 1;
    this.#pausedUntil = this.#now() + this.#pauseMs;
    const reported = error instanceof ConnectionError ? error : new ConnectionError(`${this.#name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    this.#onError?.(reported);
    return reported;
  }
}
