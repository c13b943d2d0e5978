/** Upbit's published private payloads parse to exactly their values, in DEFAULT and SIMPLE form. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors/index.js';
import type { PrivateWsMessage } from '../../src/core/private-adapter.js';
import { toUpbitPrivateError } from '../../src/exchanges/upbit/private.js';
import { parseUpbitAccounts } from '../../src/exchanges/upbit/private-mapper.js';
import { buildUpbitPrivateRequest, decodeUpbitPrivateFrame } from '../../src/exchanges/upbit/private-ws.js';
import type { RestReply } from '../../src/core/exchange-adapter.js';
import type { MyAssetEvent, MyOrderEvent, PrivateEvent } from '../../src/model/account.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { fixtureDir } from '../helpers/shared.js';

const read = (name: string): string => readFileSync(join(fixtureDir('upbit'), name), 'utf8');

/** Upbit's DEFAULT → SIMPLE table for myOrder / myAsset, as printed in its WebSocket reference. */
const SIMPLE: Record<string, string> = {
  type: 'ty', code: 'cd', uuid: 'uid', ask_bid: 'ab', order_type: 'ot', state: 's', trade_uuid: 'tuid', price: 'p',
  avg_price: 'ap', volume: 'v', remaining_volume: 'rv', executed_volume: 'ev', trades_count: 'tc', reserved_fee: 'rsf',
  remaining_fee: 'rmf', paid_fee: 'pf', locked: 'l', executed_funds: 'ef', time_in_force: 'tif', trade_fee: 'tf',
  is_maker: 'im', identifier: 'id', smp_type: 'smpt', prevented_volume: 'pv', prevented_locked: 'pl',
  trade_timestamp: 'ttms', order_timestamp: 'otms', timestamp: 'tms', stream_type: 'st',
  asset_uuid: 'astuid', assets: 'ast', currency: 'cu', balance: 'b', asset_timestamp: 'asttms',
};

/** Renames the keys of a JSON text (keys only: `"key":`), keeping every number's spelling. */
function toSimpleText(text: string): string {
  return text.replace(/"([a-z_]+)"(\s*):/g, (whole, key: string, space: string) => (SIMPLE[key] === undefined ? whole : `"${SIMPLE[key]}"${space}:`));
}

function eventsOf(message: PrivateWsMessage): readonly PrivateEvent[] {
  if (message.kind !== 'events') throw new Error(`expected events, got ${message.kind}`);
  return message.events;
}

function reply(status: number, text: string): RestReply {
  return { status, headers: new Headers(), text, body: parseJsonExact(text) };
}

const strings = (value: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'toFixed' in v ? String(v) : v]));

describe('Upbit private fixtures', () => {
  it('parses rest_accounts.json to exact balances', () => {
    const balances = parseUpbitAccounts(parseJsonExact(read('rest_accounts.json')), { receivedAt: 1 });
    expect(balances.map(strings)).toEqual([
      { exchange: 'upbit', currency: 'KRW', balance: '1000000', locked: '0', avgBuyPrice: '0', avgBuyPriceModified: false, unitCurrency: 'KRW' },
      { exchange: 'upbit', currency: 'BTC', balance: '2', locked: '0', avgBuyPrice: '140000000', avgBuyPriceModified: false, unitCurrency: 'KRW' },
    ]);
  });

  it('decodes ws_my_order.json (DEFAULT) to exact values', () => {
    const event = eventsOf(decodeUpbitPrivateFrame(read('ws_my_order.json'), 7))[0] as MyOrderEvent;
    expect(strings(event)).toEqual({
      type: 'myOrder', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC',
      orderId: 'ac2dc2a3-fce9-40a2-a4f6-5987c25c438f', side: 'buy', orderType: 'limit', state: 'trade',
      tradeId: '68315169-fba4-4175-ade3-aff14a616657',
      price: '0.001453', avgPrice: '0.00145372', volume: '30925891.29839369', remainingVolume: '29968038.09235948',
      executedVolume: '30925891.29839369', tradesCount: 1, reservedFee: '44.23943970238218', remainingFee: '21.77177967409916',
      paidFee: '22.467660028283017', locked: '43565.33112787242', executedFunds: '44935.32005656603',
      tradeFee: '22.467660028283017', isMaker: true, timeInForce: undefined, clientOrderId: 'test-1',
      tradeTimestamp: 1710751590421, orderTimestamp: 1710751590000, exchangeTime: 1710751597500, receivedAt: 7,
    });
  });

  it('decodes the SIMPLE spelling of ws_my_order.json to the same event', () => {
    const simple = toSimpleText(read('ws_my_order.json'));
    expect(simple).toContain('"uid"');
    expect(simple).not.toContain('"uuid"');
    expect(decodeUpbitPrivateFrame(simple, 7)).toEqual(decodeUpbitPrivateFrame(read('ws_my_order.json'), 7));
  });

  it('decodes ws_my_asset.json (DEFAULT and SIMPLE) keeping all 27 significant digits', () => {
    for (const text of [read('ws_my_asset.json'), toSimpleText(read('ws_my_asset.json'))]) {
      const event = eventsOf(decodeUpbitPrivateFrame(text, 9))[0] as MyAssetEvent;
      expect(event.type).toBe('myAsset');
      expect(event.id).toBe('e635f223-1609-4969-8fb6-4376937baad6');
      expect(event.assets.map(strings)).toEqual([
        { currency: 'KRW', balance: '1386929.37231066771348207123', locked: '10329.670127489597585685' },
      ]);
      expect([event.assetTime, event.exchangeTime]).toEqual([1710146517259, 1710146517267]);
    }
  });

  it('decodes a JSON_LIST frame into one event per element', () => {
    const list = `[${read('ws_my_order.json')},${read('ws_my_asset.json')}]`;
    const message = decodeUpbitPrivateFrame(list, 1);
    expect(message.kind === 'events' && message.events.map((e) => e.type)).toEqual(['myOrder', 'myAsset']);
  });

  it('maps ws_error_invalid_auth.json to an AuthenticationError', () => {
    const message = decodeUpbitPrivateFrame(read('ws_error_invalid_auth.json'), 1);
    expect(message.kind).toBe('error');
    const error = (message as { error: AuthenticationError }).error;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('INVALID_AUTH');
  });

  it('maps error_401_no_authorization_ip.json to an AuthenticationError with the name as code', () => {
    const error = toUpbitPrivateError(reply(401, read('error_401_no_authorization_ip.json')), { path: '/v1/accounts', query: {}, group: 'default' });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'no_authorization_ip', status: 401, exchange: 'upbit' });
    expect(error?.message).toContain('This is not a verified IP.');
  });

  it('puts myOrder and myAsset into one request, codes only when every stream names a market', () => {
    const options = { ticket: 't', format: 'SIMPLE' } as const;
    expect(buildUpbitPrivateRequest([{ channel: 'myOrders', market: 'KRW-BTC' }, { channel: 'myAssets' }], options)).toEqual([
      '[{"ticket":"t"},{"type":"myOrder","codes":["KRW-BTC"]},{"type":"myAsset"},{"format":"SIMPLE"}]',
    ]);
    expect(buildUpbitPrivateRequest([{ channel: 'myOrders', market: 'KRW-BTC' }, { channel: 'myOrders' }], options)).toEqual([
      '[{"ticket":"t"},{"type":"myOrder"},{"format":"SIMPLE"}]',
    ]);
    expect(buildUpbitPrivateRequest([], options)).toEqual([]);
  });
});
