/**
 * The style guide's lint rule: no exchange id in code outside that exchange's folder, so the core can
 * never grow a `if (exchange === 'binance')` branch (what adapters are for). Comments and doc examples
 * may name exchanges; the registry (the list of ids) and the command-line programs (applications of
 * the library) may too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exchangeAdapters } from 'market-data-backbone';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ids = Object.keys(exchangeAdapters);
const allowed = ['src/exchanges/registry.ts', 'src/cli/'];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path.split(sep).join('/')] : [];
  });
}

/** The code of a file with its comments blanked (string contents kept: that is where literals live). */
export function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

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
