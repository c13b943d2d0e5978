import { afterEach, describe, expect, it } from 'vitest';
import { sendsOriginByDefault } from '../../src/transport/environment.js';

const scope = globalThis as { location?: unknown };
afterEach(() => {
  delete scope.location;
});

describe('sendsOriginByDefault', () => {
  it('is false in Node, which sends no Origin header', () => {
    expect(scope.location).toBeUndefined();
    expect(sendsOriginByDefault()).toBe(false);
  });

  it('is true where a page or worker location exists, file: pages ("null" origin) included', () => {
    scope.location = { origin: 'https://app.example' };
    expect(sendsOriginByDefault()).toBe(true);
    scope.location = { origin: 'null' };
    expect(sendsOriginByDefault()).toBe(true);
  });
});
