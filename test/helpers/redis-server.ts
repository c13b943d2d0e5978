/**
 * A throwaway `redis-server` on 127.0.0.1 for tests: a free port, no persistence, killed at the end.
 * `npm test` installs Debian's redis-server when it is missing (scripts/ensure-test-tools.sh).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGKILL: as abrupt as a crash) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts a redis-server (on `port`, else a free one) and resolves once it accepts connections. */
export async function startTestRedis(port?: number): Promise<TestRedis> {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)}): ${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/**
 * A node-redis client of `redis` as the library's command function. No offline queue: while Redis is
 * down a command fails at once instead of waiting for a reconnect. `close()` drops the client.
 */
export async function connectTestRedis(redis: TestRedis): Promise<{ command: (args: string[]) => Promise<unknown>; close(): Promise<void> }> {
  const { createClient } = await import('redis');
  const client = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => undefined);
  await client.connect();
  return { command: (args) => client.sendCommand(args), close: async () => client.destroy() };
}
