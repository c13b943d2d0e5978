/**
 * Every ```ts example in `docs/*.md` is compiled against the package's own types, with the project's
 * compiler options (strict): each block is one module, served to the TypeScript compiler from memory as
 * if it sat in `docs/`, so `market-data-backbone`, `/operators`, `/testing` and `/internals` resolve
 * through the tsconfig paths to the sources, and `rxjs` from the project's node_modules. A block
 * declares what it needs (`declare const ticker$: Observable<Ticker>`), so it stays self-contained.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const docs = join(root, 'docs');

/** A fenced ts block of a page, and the line its code starts on. */
interface Block {
  readonly page: string;
  readonly line: number;
  readonly code: string;
}

/** The ```ts blocks of a Markdown text (```typescript too). */
export function tsBlocks(page: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    blocks.push({ page, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** The compiler diagnostics of `blocks`, one line each: `page:line: message`. */
export function compileBlocks(blocks: readonly Block[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const virtual = new Map(blocks.map((block, i) => [join(docs, `__example_${i}__.ts`), block] as const));
  // `export {}`: each block is a module of its own, so two blocks may declare the same names.
  const text = (file: string): string | undefined => {
    const block = virtual.get(file);
    return block === undefined ? undefined : `${block.code}\nexport {};\n`;
  };
  const options = { ...config.options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => text(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const code = text(file);
    return code === undefined ? getSourceFile.call(host, file, language, ...rest) : ts.createSourceFile(file, code, language, true);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).flatMap((diagnostic) => {
    const block = diagnostic.file === undefined ? undefined : virtual.get(diagnostic.file.fileName);
    if (block === undefined || diagnostic.file === undefined) return [];
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return [`docs/${block.page}:${block.line + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`];
  });
}

const pages = readdirSync(docs).filter((name) => name.endsWith('.md'));
const blocks = pages.flatMap((page) => tsBlocks(page, readFileSync(join(docs, page), 'utf8')));

describe('docs examples', () => {
  it('should have a page per topic a user meets, each with examples', () => {
    for (const page of ['streams.md', 'operators.md', 'errors.md', 'cli.md', 'simulators.md', 'testing.md']) {
      expect(pages).toContain(page);
      expect(blocks.filter((block) => block.page === page).length, page).toBeGreaterThan(0);
    }
  });

  it('should catch an example that does not type-check (the checker reads what it checks)', () => {
    const wrong = [
      { page: 'x.md', line: 10, code: "import { MarketDataBackbone } from 'market-data-backbone';\nnew MarketDataBackbone().getTiker('KRW-BTC');" },
      { page: 'x.md', line: 20, code: "import { staleAfter } from 'market-data-backbone/operators';\nstaleAfter({ timeoutMs: '5' });" },
    ];
    const errors = compileBlocks(wrong);
    expect(errors.some((e) => e.startsWith("docs/x.md:11: Property 'getTiker' does not exist"))).toBe(true);
    expect(errors.some((e) => e.startsWith('docs/x.md:21: '))).toBe(true);
  }, 120_000); // a whole TypeScript program: 13 s alone, more beside the rest of the suite

  it('should compile every ts example of docs/*.md against the package types', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(compileBlocks(blocks)).toEqual([]);
  }, 120_000);
});
