/**
 * The style guide's lint rule: no exchange id in code outside that exchange's folder, so the core can
 * never grow a `if (exchange === 'binance')` branch (what adapters are for). Comments and doc examples
 * may name exchanges; the registry (the list of ids) and the command-line programs (applications of
 * the library) may too.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exchangeAdapters } from 'market-data-backbone';
import { sourceFiles as sources, withoutComments } from '../helpers/source-code.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ids = Object.keys(exchangeAdapters);
const allowed = ['src/exchanges/registry.ts', 'src/cli/'];

/** `'id'`, `"id"`, `` `id` `` or an id starting a template or a string (`'binance:'`). */
const literal = (id: string): RegExp => new RegExp(`['"\`]${id}(?![a-z0-9-])`, 'i');

describe('exchange ids in code', () => {
  it('should find a literal in code and not in comments (the checker itself)', () => {
    expect(literal('binance').test(withoutComments("if (x === 'binance') return; // 'upbit'"))).toBe(true);
    expect(literal('upbit').test(withoutComments("const a = 1; // x === 'upbit'\n/* 'upbit' */ const s = '//';"))).toBe(false);
    expect(literal('upbit').test(withoutComments('const url = "https://api.upbit.com";'))).toBe(false);
  });

  it('should appear only in their own exchange folder, the registry and the command-line programs', () => {
    const offences: string[] = [];
    for (const file of [...sources('src'), ...sources('operators')]) {
      if (allowed.some((prefix) => file.startsWith(prefix))) continue;
      const code = withoutComments(readFileSync(join(root, file), 'utf8'));
      for (const id of ids) {
        if (file.startsWith(`src/exchanges/${id}/`) || file.startsWith(`src/testing/${id}`)) continue;
        if (literal(id).test(code)) offences.push(`${relative(root, join(root, file))}: '${id}'`);
      }
    }
    expect(offences).toEqual([]);
  });
});
