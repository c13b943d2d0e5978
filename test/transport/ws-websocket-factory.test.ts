import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  frameText,
  globalWebSocketFactory,
  nodeWebSocketFactory,
  resolveWebSocketFactory,
  type WebSocketFactory,
} from '../../src/transport/ws/websocket-factory.js';

describe('frameText', () => {
  const json = '{"type":"trade","price":"₩1"}';
  const bytes = new TextEncoder().encode(json);

  it('should decode text and every binary shape as UTF-8', () => {
    expect(frameText(json)).toBe(json);
    expect(frameText(bytes.buffer)).toBe(json);
    expect(frameText(bytes)).toBe(json);
    expect(frameText(Buffer.from(json))).toBe(json);
    expect(frameText(new DataView(bytes.buffer))).toBe(json);
    // ws 'fragments': a multi-byte character split across two buffers
    expect(frameText([Buffer.from(bytes.subarray(0, 26)), Buffer.from(bytes.subarray(26))])).toBe(json);
  });

  it('should refuse payloads it cannot read synchronously', () => {
    expect(() => frameText(new Blob([json]))).toThrow(TypeError);
    expect(() => frameText(42)).toThrow(/Unsupported WebSocket frame/);
  });
});

describe('resolveWebSocketFactory', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('should return a custom factory as it is', async () => {
    const custom: WebSocketFactory = () => {
      throw new Error('unused');
    };
    await expect(resolveWebSocketFactory(custom)).resolves.toBe(custom);
  });

  it('should prefer the global WebSocket, unless headers are asked for', async () => {
    const created: string[] = [];
    class GlobalWebSocket {
      binaryType = 'blob';
      onopen = null;
      onclose = null;
      onmessage = null;
      onerror = null;
      constructor(url: string) {
        created.push(url);
      }
      send(): void {}
      close(): void {}
    }
    vi.stubGlobal('WebSocket', GlobalWebSocket);
    const factory = await resolveWebSocketFactory();
    const socket = factory('ws://127.0.0.1:1/x', []);
    expect(socket).toBeInstanceOf(GlobalWebSocket);
    expect((socket as unknown as GlobalWebSocket).binaryType).toBe('arraybuffer');
    expect(created).toEqual(['ws://127.0.0.1:1/x']);
    expect(globalWebSocketFactory()).toBeDefined();

    const withHeaders = await resolveWebSocketFactory(undefined, { headers: { Authorization: 'Bearer x' } });
    const { WebSocket: NodeWebSocket } = await import('ws');
    const nodeSocket = withHeaders('ws://127.0.0.1:1/x', []);
    nodeSocket.onerror = () => undefined; // connection refused: expected, nothing listens on port 1
    expect(nodeSocket).toBeInstanceOf(NodeWebSocket);
    nodeSocket.close();
  });

  it('should open ws sockets with the requested headers and Buffer binary frames', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const connected = once(server, 'connection');
      const makeWebSocket = await nodeWebSocketFactory({ headers: { Authorization: 'Bearer token' } });
      const socket = makeWebSocket(`ws://127.0.0.1:${port}`, []);
      const message = new Promise<unknown>((resolve) => (socket.onmessage = (event: { data: unknown }) => resolve(event.data)));
      const [serverSocket, request] = (await connected) as [import('ws').WebSocket, import('node:http').IncomingMessage];
      expect(request.headers.authorization).toBe('Bearer token');
      serverSocket.send(Buffer.from('{"status":"UP"}'));
      const data = await message;
      expect(Buffer.isBuffer(data)).toBe(true);
      expect(frameText(data)).toBe('{"status":"UP"}');
      socket.close();
    } finally {
      for (const client of server.clients) client.terminate();
      server.close();
    }
  });
});
