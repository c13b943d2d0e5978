/** Helpers of the Binance simulator tests: fixtures, a strict shape, and a recording `ws` client. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket, type ClientOptions } from 'ws';
import { fixtureDir } from '../helpers/shared.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { jsonType } from './helpers.js';

/** Binance's published examples and captures (see SOURCES.md there). */
export const BINANCE_FIXTURES = fixtureDir('binance');

/** A fixture file, parsed exactly. */
export function fixture(name: string): unknown {
  return parseJsonExact(readFileSync(join(BINANCE_FIXTURES, name), 'utf8'));
}

/** A fixture file's text. */
export function fixtureText(name: string): string {
  return readFileSync(join(BINANCE_FIXTURES, name), 'utf8');
}

/**
 * Keys (in order) and value types, recursively. An array whose elements all have one shape is
 * `[shape]`; one with mixed elements (a kline row, the filter list) keeps every position, so tuples
 * are compared position by position.
 */
export function strictShape(value: unknown): unknown {
  const type = jsonType(value);
  if (type === 'array') {
    const shapes = (value as unknown[]).map(strictShape);
    if (shapes.length === 0) return ['empty'];
    const first = JSON.stringify(shapes[0]);
    return shapes.every((shape) => JSON.stringify(shape) === first) ? [shapes[0]] : { tuple: shapes };
  }
  if (type === 'object') return Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, strictShape(item)]);
  return type;
}

/** `shape` with every empty array (`['empty']`) replaced by the matching part of `like`. */
export function fillEmpty(shape: unknown, like: unknown): unknown {
  if (Array.isArray(shape) && shape.length === 1 && shape[0] === 'empty' && Array.isArray(like)) return like;
  if (Array.isArray(shape) && Array.isArray(like)) return shape.map((item: unknown, i) => fillEmpty(item, like[i]));
  return shape;
}

/** A record view (throws otherwise). */
export function obj(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** A connected client that records every text frame, ping and the close. */
export class BinanceTestClient {
  readonly socket: WebSocket;
  readonly frames: unknown[] = [];
  readonly texts: string[] = [];
  pings = 0;
  closed: { code: number; reason: string } | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const text = String(data);
      this.texts.push(text);
      this.frames.push(parseJsonExact(text));
    });
    socket.on('ping', () => this.pings++);
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
    socket.on('error', () => undefined);
  }

  /** Opens `url` and waits for the handshake. */
  static async open(url: string, options: ClientOptions = {}): Promise<BinanceTestClient> {
    const socket = new WebSocket(url, options);
    const client = new BinanceTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Sends `text` and waits for `count` more frames. */
  async request(text: string, count = 1): Promise<unknown[]> {
    const before = this.frames.length;
    this.socket.send(text);
    await this.waitFor(() => this.frames.length >= before + count);
    return this.frames.slice(before, before + count);
  }

  /** Waits until `predicate` holds (polling), or fails after `ms`. */
  async waitFor(predicate: () => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('waitFor: timed out');
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Round trip: every frame the server sent before this reply has arrived. */
  async barrier(): Promise<void> {
    const before = this.frames.length;
    this.socket.send('{"method":"LIST_SUBSCRIPTIONS","id":"barrier"}');
    const isReply = (frame: unknown): boolean => frame !== null && typeof frame === 'object' && (frame as Record<string, unknown>)['id'] === 'barrier';
    await this.waitFor(() => this.frames.slice(before).some(isReply));
    const index = this.frames.findIndex((frame, i) => i >= before && isReply(frame));
    this.frames.splice(index, 1);
    this.texts.splice(index, 1);
  }

  close(): void {
    this.socket.terminate();
  }
}
