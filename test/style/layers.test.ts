/**
 * The layers of the library and the directions imports may take between them, written once and checked
 * on every file of `src/` and `operators/`: a lower layer never imports a higher one, and there is no
 * import cycle between files or between folders. `docs/architecture.md` draws the same layers.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Each layer, lowest first: the path prefixes it owns and the layers it may import. A file belongs to
 * the layer of its longest matching prefix. Imports inside one layer are free (cycles aside).
 */
export const LAYERS = {
  errors: { paths: ['src/errors/'], imports: [] },
  model: { paths: ['src/model/'], imports: ['errors'] },
  core: { paths: ['src/core/'], imports: ['errors', 'model'] },
  operators: { paths: ['operators/'], imports: ['core', 'model', 'errors'] },
  cache: { paths: ['src/cache/'], imports: ['core', 'errors'] },
  transport: { paths: ['src/transport/'], imports: ['operators', 'core', 'model', 'errors'] },
  exchanges: { paths: ['src/exchanges/'], imports: ['transport', 'core', 'model', 'errors'] },
  streams: { paths: ['src/streams/'], imports: ['transport', 'operators', 'core', 'model', 'errors'] },
  fx: { paths: ['src/fx/'], imports: ['exchanges', 'transport', 'cache', 'operators', 'core', 'model', 'errors'] },
  routing: { paths: ['src/routing/'], imports: ['core', 'model', 'errors'] },
  client: { paths: ['src/client/'], imports: ['streams', 'transport', 'cache', 'operators', 'core', 'model', 'errors'] },
  private: { paths: ['src/private/'], imports: ['client', 'transport', 'operators', 'core', 'model', 'errors'] },
  remote: { paths: ['src/remote/'], imports: ['transport', 'operators', 'core', 'model', 'errors'] },
  backbone: {
    paths: ['src/backbone/'],
    imports: ['remote', 'private', 'client', 'fx', 'routing', 'streams', 'exchanges', 'transport', 'cache', 'operators', 'core', 'model', 'errors'],
  },
  harness: {
    paths: ['src/testing/harness/'],
    imports: ['backbone', 'client', 'exchanges', 'operators', 'core', 'model', 'errors'],
  },
  testing: { paths: ['src/testing/'], imports: ['harness', 'transport', 'core', 'model', 'errors'] },
  replay: { paths: ['src/replay/'], imports: ['backbone', 'transport', 'exchanges', 'core', 'model', 'errors'] },
  entry: {
    paths: ['src/index.ts', 'src/internals.ts'],
    imports: ['backbone', 'private', 'client', 'fx', 'routing', 'streams', 'exchanges', 'transport', 'cache', 'operators', 'core', 'model', 'errors'],
  },
  gateway: { paths: ['src/gateway/'], imports: ['backbone', 'remote', 'exchanges', 'model', 'errors'] },
  metrics: { paths: ['src/metrics/'], imports: ['gateway', 'backbone', 'client', 'streams', 'exchanges', 'core', 'model', 'errors'] },
  cli: { paths: ['src/cli/'], imports: ['metrics', 'gateway', 'replay', 'entry', 'testing', 'backbone', 'client', 'exchanges', 'core', 'model', 'errors'] },
} as const satisfies Record<string, { readonly paths: readonly string[]; readonly imports: readonly string[] }>;

type Layer = keyof typeof LAYERS;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path.split(sep).join('/')] : [];
  });
}

export function layerOf(file: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const [layer, { paths }] of Object.entries(LAYERS) as [Layer, (typeof LAYERS)[Layer]][]) {
    for (const prefix of paths) {
      if (file.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = { layer, length: prefix.length };
    }
  }
  return best?.layer;
}

const specifier = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The project files `file` imports (relative specifiers only; `x.js` names `x.ts`). */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(specifier)) {
    const spec = match[1] ?? match[2];
    if (spec === undefined) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    found.push(target);
  }
  return found;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) !== order.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!order.has(node)) visit(node);
  return found;
}

const files = [...sources('src'), ...sources('operators')];
const graph = new Map(files.map((file) => [file, importsOf(file, readFileSync(join(root, file), 'utf8'))] as const));

describe('layers', () => {
  it('should resolve every relative import to a file (the checker reads what it checks)', () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !existsSync(join(root, t))).map((t) => `${file} -> ${t}`));
    expect(missing).toEqual([]);
    expect(graph.get('src/index.ts')?.length).toBeGreaterThan(10);
  });

  it('should place every file in a layer', () => {
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  it('should catch a wrong-way arrow and a cycle (the checker itself)', () => {
    const allowed = (from: string, to: string): boolean => (LAYERS[layerOf(from)!].imports as readonly string[]).includes(layerOf(to)!);
    expect(allowed('operators/rateLimit.ts', 'src/core/rate-limit/rate-limiter.ts')).toBe(true);
    expect(allowed('operators/rateLimit.ts', 'src/transport/http/rest-client.ts')).toBe(false);
    expect(importsOf('src/a/b.ts', "import { x } from '../c/d.js';\nexport * from './e.js';")).toEqual(['src/c/d.ts', 'src/a/e.ts']);
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it('should import only downwards', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file)!;
      for (const target of targets) {
        const to = layerOf(target);
        if (to === undefined || to === from) continue;
        if (!(LAYERS[from].imports as readonly string[]).includes(to)) wrong.push(`${file} (${from}) -> ${target} (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should have no import cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('should have no import cycle between folders', () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      const from = dirname(file);
      const edges = folders.get(from) ?? new Set<string>();
      folders.set(from, edges);
      for (const target of targets) if (dirname(target) !== from) edges.add(dirname(target));
    }
    expect(cycles(new Map([...folders].map(([folder, edges]) => [folder, [...edges]])))).toEqual([]);
  });
});
