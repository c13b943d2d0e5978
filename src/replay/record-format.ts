/**
 * One line of a recording: `time \t kind \t id \t payload`. Frames keep their text as it arrived
 * (no JSON escaping to undo on replay) unless it holds a line break; everything else is JSON.
 *
 *   1764072000123	frame	3	{"type":"ticker",...}
 *   1764072000120	rest	7	{"exchange":"upbit","url":"/v1/market/all?isDetails=true","status":200,...}
 */
import { isUtf8 } from 'node:buffer';
import { RecordingFormatError } from '../errors/index.js';

/** What happened to a socket or a request, as recorded. */
export type RecordKind =
  /** The file's first line: `{ version, exchanges? }`. */
  | 'meta'
  /** The library asked for a socket: `{ exchange, url, protocols, ping }`. */
  | 'socket'
  | 'open'
  /** A frame the library sent (subscription requests, heartbeats), as text. */
  | 'send'
  /** A text frame as received. */
  | 'frame'
  /** A text frame with a line break, as a JSON string. */
  | 'frame-json'
  /** A binary frame, base64. */
  | 'frame-bin'
  | 'pong'
  /** `{ message }` */
  | 'error'
  /** `{ code, reason, by: 'server' | 'client' }` */
  | 'close'
  /** A REST request went out: `{ exchange, url }` (url without its origin). */
  | 'request'
  /** Its reply: `{ exchange, url, status, headers, body }`. */
  | 'reply'
  /** Its failure (network, abort): `{ exchange, url, message }`. */
  | 'fail';

const KINDS: ReadonlySet<string> = new Set<RecordKind>([
  'meta', 'socket', 'open', 'send', 'frame', 'frame-json', 'frame-bin', 'pong', 'error', 'close', 'request', 'reply', 'fail',
]);

/** One recorded event. */
export interface RecordLine {
  /** Receive (or send) time, ms since the epoch on the recording backbone's clock. */
  readonly time: number;
  readonly kind: RecordKind;
  /** Connection id (socket events) or request id (REST events); 0 for `meta`. */
  readonly id: number;
  /** Text after the third tab: frame text, base64, or JSON. */
  readonly payload: string;
}

/** Payload of a `socket` record. */
export interface SocketRecord {
  readonly exchange: string;
  readonly url: string;
  readonly protocols: string | string[];
  /** Whether the socket could send ping frames (Node's `ws`). */
  readonly ping: boolean;
}

/** Payload of a `reply` record. */
export interface ReplyRecord {
  readonly exchange: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Payload of a `close` record. */
export interface CloseRecord {
  readonly code: number;
  readonly reason: string;
  readonly by: 'server' | 'client';
}

/**
 * One line (without its `\n`) for a record.
 *
 * @example
 * ```ts
 * formatRecord(1764072000123, 'frame', 3, '{"ty":"ticker"}'); // '1764072000123\tframe\t3\t{"ty":"ticker"}'
 * ```
 */
export function formatRecord(time: number, kind: RecordKind, id: number, payload: string): string {
  return `${time}\t${kind}\t${id}\t${payload}`;
}

/**
 * A received frame as a line: text as it is, text with line breaks as JSON, binary as base64.
 *
 * @example
 * ```ts
 * formatFrame(1764072000123, 3, 'PONG'); // '1764072000123\tframe\t3\tPONG'
 * ```
 */
export function formatFrame(time: number, id: number, data: unknown): string {
  if (typeof data === 'string') return formatText(time, id, data);
  // Binary frames of UTF-8 text (Upbit's JSON) read the same as text frames: the library decodes both
  // to the same string. Only other bytes need base64.
  const bytes = toBytes(data);
  return isUtf8(bytes) ? formatText(time, id, bytes.toString('utf8')) : formatRecord(time, 'frame-bin', id, bytes.toString('base64'));
}

function formatText(time: number, id: number, text: string): string {
  return text.includes('\n') || text.includes('\r') ? formatRecord(time, 'frame-json', id, JSON.stringify(text)) : formatRecord(time, 'frame', id, text);
}

/** A binary frame's bytes (`ws` hands over a Buffer, an ArrayBuffer or fragments). */
function toBytes(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return Buffer.concat(data.map(toBytes));
  return Buffer.from(String(data));
}

/**
 * The frame a `frame`, `frame-json` or `frame-bin` record stands for, as a socket would deliver it.
 *
 * @example
 * ```ts
 * frameData({ time: 0, kind: 'frame', id: 1, payload: 'PONG' }); // 'PONG'
 * ```
 */
export function frameData(record: RecordLine): string | Buffer {
  if (record.kind === 'frame-bin') return Buffer.from(record.payload, 'base64');
  if (record.kind === 'frame-json') return JSON.parse(record.payload) as string;
  return record.payload;
}

/**
 * Reads one line; a line that is no record is a {@link RecordingFormatError} naming `file` and `line`.
 *
 * @example
 * ```ts
 * parseRecord('1764072000123\topen\t3\t', 'rec/2026-01-01T00.ndjson.gz', 2).kind; // 'open'
 * ```
 */
export function parseRecord(text: string, file: string, line: number): RecordLine & { readonly file: string; readonly line: number } {
  const a = text.indexOf('\t');
  const b = a < 0 ? -1 : text.indexOf('\t', a + 1);
  const c = b < 0 ? -1 : text.indexOf('\t', b + 1);
  const time = a > 0 ? Number(text.slice(0, a)) : Number.NaN;
  const kind = b > 0 ? text.slice(a + 1, b) : '';
  const id = c > 0 ? Number(text.slice(b + 1, c)) : Number.NaN;
  if (!Number.isFinite(time) || !KINDS.has(kind) || !Number.isInteger(id)) {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new RecordingFormatError(`Recording line is not a record: ${file} line ${line}: ${JSON.stringify(shown)}`, { file, line });
  }
  return { time, kind: kind as RecordKind, id, payload: text.slice(c + 1), file, line };
}

/**
 * The JSON payload of a record, or a {@link RecordingFormatError} naming `file` and `line`.
 *
 * @example
 * ```ts
 * const socket = readPayload<SocketRecord>(record, file, line);
 * ```
 */
export function readPayload<T>(record: RecordLine, file: string, line: number): T {
  try {
    return JSON.parse(record.payload) as T;
  } catch (cause) {
    throw new RecordingFormatError(`Recording line has a broken ${record.kind} payload: ${file} line ${line}`, { file, line, cause });
  }
}
