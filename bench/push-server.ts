/**
 * The frame replay server of the stream benchmarks, run as its own process (`startPushProcess`), so the
 * work of sending frames neither competes with the measured client on its event loop nor counts in its
 * CPU time. Each client's first request (and `PING`, with the status frame) is answered with all frames
 * of `makeFrames(kind, count)` in one burst. Prints the WebSocket URL as its first line of output.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { makeFrames } from './frames.js';
import { startPushServer } from './ws.js';

/** A replay server in a child process, answering with `makeFrames(kind, count)`. */
export async function startPushProcess(kind: 'ticker' | 'trade', count: number): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), kind, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`push server exited with ${code}`)));
  });
  return {
    url,
    close: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind, count] = process.argv.slice(2);
  const push = await startPushServer(makeFrames(kind === 'trade' ? 'trade' : 'ticker', Number(count)));
  console.log(push.url);
}
