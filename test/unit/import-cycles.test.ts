import fs from 'node:fs';
import path from 'node:path';

// madge would do this, but its TypeScript support wants typescript 5 and this project builds with 7; the imports
// here are all static and relative, so reading them is enough.
const SRC = path.resolve(__dirname, '../../src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'|(?:^|\n)\s*import\s+'(\.{1,2}\/[^']+)'/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
}

/** file → the files of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => resolveImport(file, m[1] ?? m[2]))
      .filter((target): target is string => target !== undefined && target.startsWith(SRC));
    graph.set(file, targets);
  }
  return graph;
}

/** The capability a file belongs to: its folder under src/, or the file itself for the small shared modules. */
const moduleOf = (file: string) => path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, '');

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('imports', () => {
  const files = importGraph();

  it('no file imports itself around a loop', () => {
    expect(cycles(files).map((loop) => loop.map((f) => path.relative(SRC, f)).join(' → '))).toEqual([]);
  });

  it('no two modules (src/<folder> or a shared file) import each other, directly or around a loop', () => {
    const modules = new Map<string, string[]>();
    for (const [file, targets] of files) {
      const from = moduleOf(file);
      modules.set(from, [...new Set([...(modules.get(from) ?? []), ...targets.map(moduleOf).filter((to) => to !== from)])]);
    }
    expect(cycles(modules).map((loop) => loop.join(' → '))).toEqual([]);
  });
});
