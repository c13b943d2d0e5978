/**
 * What the runtime does on its own that exchanges treat differently: browsers put an `Origin` header
 * on every cross-origin request and WebSocket upgrade, and Upbit gives such requests a far smaller
 * budget (1 per 10 s). Node, Deno and servers send no `Origin` unless told to.
 */

/**
 * Whether requests from this runtime carry an `Origin` header: `true` in browser pages and workers
 * (they have a `location.origin`, even `"null"` for `file:` pages, which is still sent), `false` in
 * Node.js. Clients take it as the default of their `sendsOrigin` option.
 *
 * @example
 * ```ts
 * const client = new ExchangeClient(upbitAdapter, { sendsOrigin: sendsOriginByDefault() });
 * ```
 */
export function sendsOriginByDefault(): boolean {
  const location = (globalThis as { readonly location?: { readonly origin?: unknown } }).location;
  return typeof location?.origin === 'string';
}
