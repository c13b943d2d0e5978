/**
 * market-data-backbone/replay: record what the exchanges send and replay it through the whole API.
 * Node only (`node:fs`, `node:zlib`); the main entry point never imports it. See `docs/record-replay.md`.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 * import { openRecording } from 'market-data-backbone/replay';
 *
 * const recording = await openRecording('recordings/');
 * const backbone = new MarketDataBackbone({ replay: { from: recording, speed: 'max' } });
 * ```
 */
export { Recorder, createRecorder, record, startRecording } from './recorder.js';
export type { RecorderOptions, RecorderStats, RecordChannel, RecordOptions, RecordingSession } from './recorder.js';
export { Recording, openRecording } from './recording.js';
export type { OpenRecordingOptions, ReplayPacer, ReplaySummary } from './recording.js';
export { readRecording, recordingFiles } from './recording-reader.js';
export type { ReadRecord, ReadRecordingOptions } from './recording-reader.js';
export { RecordingWriter } from './recording-writer.js';
export type { RecordingWriterOptions, RecordingWriterStats } from './recording-writer.js';
export { formatRecord, formatFrame, frameData, parseRecord } from './record-format.js';
export type { RecordKind, RecordLine, SocketRecord, ReplyRecord, CloseRecord } from './record-format.js';
export { RecordingFormatError, RecordingWriteError } from '../errors/index.js';
