import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Architecture layers, lowest first. A file may import only its own layer or lower ones. */
export const LAYERS = {
  kernel: 0,
  domain: 1,
  adapter: 2,
  composition: 3,
  delivery: 4,
} as const;
type Layer = keyof typeof LAYERS;

const DOMAIN_CONTEXTS = ['data', 'ml', 'pipeline', 'registry', 'serving', 'deploy', 'monitor', 'metrics', 'alarms', 'events', 'scheduler', 'jobs', 'project'];
const ADAPTER_FOLDERS = ['store', 'artifacts', 'config'];
const DELIVERY_FOLDERS = ['cli', 'server', 'main', 'web'];

/** Packages that only adapters, the composition root and delivery code may import. */
export const DRIVER_PACKAGES = [
  '@duckdb/node-api',
  'better-sqlite3',
  'kysely',
  'pg',
  'commander',
  'cli-progress',
  'shpjs',
  'proj4',
  'fflate',
  'fastify',
  'hono',
  'ioredis',
  'bullmq',
  '@aws-sdk/',
  '@smithy/',
  'node:http',
  'node:https',
];

/** The layer of a source file, by its path relative to src/ (adapters inside a domain context count as adapters). */
export function layerOf(rel: string): Layer | undefined {
  const parts = rel.split('/');
  const top = parts[0]!;
  if (parts.length === 1) return undefined; // loose files (type declarations)
  if (top === 'core') return 'kernel';
  if (top === 'types') return undefined;
  if (DOMAIN_CONTEXTS.includes(top)) return parts.includes('adapters') ? 'adapter' : 'domain';
  if (ADAPTER_FOLDERS.includes(top)) return 'adapter';
  if (top === 'app') return 'composition';
  if (DELIVERY_FOLDERS.includes(top)) return 'delivery';
  return undefined;
}

/** One source file's imports: relative ones resolved to src-relative paths, bare ones kept as package names. */
export interface SourceFile {
  readonly rel: string;
  readonly text: string;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Lists every import specifier of a file, with whether it is type-only. */
export function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (spec) out.push({ spec, typeOnly: /^\s*(?:import|export)\s+type\s/.test(m[0].replace(/^\n/, '')) });
  }
  return out;
}

/** Checks the rules over a set of files (paths relative to src/) and returns every violation found. */
export function checkDependencyRules(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  const known = new Set(files.map((f) => f.rel));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const fromLayer = layerOf(file.rel);
    const edges: string[] = [];
    for (const { spec, typeOnly } of importsOf(file.text)) {
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.rel), spec)).replace(/\.js$/, '.ts');
        if (!known.has(target)) {
          problems.push(`${file.rel}: imports '${spec}', which is not a source file`);
          continue;
        }
        if (!typeOnly) edges.push(target);
        const toLayer = layerOf(target);
        if (fromLayer && toLayer && LAYERS[toLayer] > LAYERS[fromLayer]) {
          problems.push(`${file.rel} (${fromLayer}) imports ${target} (${toLayer}): a layer may not import a higher one`);
        }
        const fromTop = file.rel.split('/')[0]!;
        const toTop = target.split('/')[0]!;
        if (fromLayer === 'domain' && toLayer === 'domain' && fromTop !== toTop && !target.endsWith(`${toTop}/index.ts`)) {
          problems.push(`${file.rel} reaches into ${target}: import another context only through its index.ts`);
        }
        if ((fromTop === 'store' && toTop === 'artifacts') || (fromTop === 'artifacts' && toTop === 'store')) {
          problems.push(`${file.rel} imports ${target}: store and artifacts must not import each other`);
        }
        if ((fromTop === 'cli' || fromTop === 'server') && (toTop === 'store' || toTop === 'artifacts')) {
          problems.push(`${file.rel} imports ${target}: delivery code gets stores through the App only`);
        }
      } else if (fromLayer === 'domain' || fromLayer === 'kernel') {
        const driver = DRIVER_PACKAGES.find((p) => spec === p || spec.startsWith(p.endsWith('/') ? p : `${p}/`));
        if (driver) problems.push(`${file.rel} (${fromLayer}) imports '${spec}': driver packages belong in adapters`);
      }
    }
    graph.set(file.rel, edges);
  }
  for (const cycle of findCycles(graph)) problems.push(`import cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** Strongly connected components of more than one file (or a self-import), each as a closed path. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push([...component.reverse(), component[0]!]);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return cycles;
}

/** Reads every non-test .ts file under `srcDir`. */
export function readSources(srcDir: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) {
        files.push({ rel: path.relative(srcDir, p).split(path.sep).join('/'), text: readFileSync(p, 'utf8') });
      }
    }
  };
  walk(srcDir);
  return files;
}
