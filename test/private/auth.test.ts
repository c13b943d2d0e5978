/** Upbit JWT signing, checked against node:crypto (not against the signer's own helpers). */
import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiCredentials, readSecret } from '../../src/core/private-adapter.js';
import { sha512Hex, signUpbitToken, upbitAuthHeaders, upbitQueryString } from '../../src/exchanges/upbit/auth.js';

const SECRET = 'sim-secret-key-0123456789abcdef';
const credentials = new ApiCredentials('sim-access-key', SECRET);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; parts: string[] } {
  const parts = token.split('.');
  const json = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(parts[0]!), payload: json(parts[1]!), parts };
}

describe('Upbit request signing', () => {
  it('renders array params as key[]=v pairs, unencoded', () => {
    expect(upbitQueryString({ market: 'KRW-BTC', states: ['wait', 'watch'] })).toBe('market=KRW-BTC&states[]=wait&states[]=watch');
    expect(upbitQueryString({ to: '2025-07-30T00:00:00+09:00' })).toBe('to=2025-07-30T00:00:00+09:00');
    expect(upbitQueryString({})).toBe('');
  });

  it('hashes like node:crypto SHA-512', async () => {
    const text = 'market=KRW-BTC&states[]=wait&states[]=watch';
    expect(await sha512Hex(text)).toBe(createHash('sha512').update(text).digest('hex'));
  });

  it('signs HS512 with access_key, a v4 nonce and the query hash of array params', async () => {
    const headers = await upbitAuthHeaders(credentials, { market: 'KRW-BTC', states: ['wait', 'watch'] });
    const token = headers['Authorization']!.replace(/^Bearer /, '');
    expect(headers['Authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const { header, payload, parts } = decode(token);
    expect(header).toEqual({ alg: 'HS512', typ: 'JWT' });
    expect(payload['access_key']).toBe('sim-access-key');
    expect(payload['nonce']).toMatch(UUID_V4);
    expect(payload['query_hash']).toBe(createHash('sha512').update('market=KRW-BTC&states[]=wait&states[]=watch').digest('hex'));
    expect(payload['query_hash_alg']).toBe('SHA512');
    const signature = createHmac('sha512', SECRET).update(`${parts[0]}.${parts[1]}`).digest('base64url');
    expect(parts[2]).toBe(signature);
  });

  it('leaves query_hash out without params and draws a new nonce per token', async () => {
    const a = decode(await signUpbitToken(credentials)).payload;
    const b = decode(await signUpbitToken(credentials)).payload;
    expect(Object.keys(a).sort()).toEqual(['access_key', 'nonce']);
    expect(a['nonce']).not.toBe(b['nonce']);
  });
});

describe('ApiCredentials', () => {
  it('never shows the secret in JSON, inspect or String', () => {
    const shown = [JSON.stringify(credentials), inspect(credentials), String(credentials), `${credentials}`, inspect({ credentials }, { depth: 5 })];
    for (const text of shown) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain('sim-access-key');
    }
    expect(JSON.parse(JSON.stringify(credentials))).toEqual({ accessKey: 'sim-access-key', secretKey: '[redacted]' });
    expect(Object.keys(credentials)).toEqual(['accessKey']);
    expect(readSecret(credentials)).toBe(SECRET);
  });

  it('refuses empty keys without quoting them', () => {
    expect(() => new ApiCredentials('ak', '')).toThrow(/incomplete/);
  });
});
