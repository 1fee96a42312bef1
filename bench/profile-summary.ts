/**
 * Reads a V8 .cpuprofile and says where the server's time went: the functions with the most
 * self time, and the share of broad categories (waiting, system calls to sockets, garbage
 * collection, our code, libraries). Start-up (module loading) is left out.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const STARTUP = /esm\/loader|cjs\/loader|esm\/module_job|run_main|esm\/utils|customization_hooks/;

export function summarise(file: string, top = 12): { total: number; categories: [string, number][]; functions: [string, number][] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number) => {
    const out: Node[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur)!);
    return out;
  };
  const self = new Map<string, number>();
  const categories = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    const stack = stackOf(id);
    if (stack.some((n) => STARTUP.test(n.callFrame.url))) return;
    const leaf = stack[0].callFrame;
    const nm = leaf.url.lastIndexOf('node_modules/');
    const base = leaf.url.split('/').at(-1) ?? '';
    const file =
      nm >= 0
        ? `${leaf.url
            .slice(nm + 13)
            .split('/')
            .slice(0, leaf.url.slice(nm + 13).startsWith('@') ? 2 : 1)
            .join('/')}/…/${base}`
        : leaf.url.includes('/src/')
          ? leaf.url.slice(leaf.url.indexOf('/src/') + 1)
          : base;
    const name = `${leaf.functionName || '(anonymous)'} ${file}${leaf.url ? `:${leaf.lineNumber + 1}` : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + us);
    const urls = stack.map((n) => n.callFrame.url).join(' ');
    const cat =
      leaf.functionName === '(idle)'
        ? 'idle (waiting for the database or the network)'
        : leaf.functionName === '(garbage collector)'
          ? 'garbage collection'
          : /^(writev|writeUtf8String|writeBuffer|writeLatin1String)$/.test(leaf.functionName)
            ? 'socket writes (system calls)'
            : /^wasm-function/.test(leaf.functionName) || /@electric-sql\/pglite/.test(leaf.url)
              ? 'embedded database (PGlite, WebAssembly, in this process)'
              : /\/src\//.test(leaf.url)
                ? 'congso code'
                : /node_modules\/(pg|pg-protocol|kysely|pg-pool)\//.test(leaf.url) || /node_modules\/(pg|kysely)\//.test(urls.split(' ')[1] ?? '')
                  ? 'database driver and query builder'
                  : /node_modules\/(fastify|find-my-way|light-my-request|@fastify|avvio)\//.test(leaf.url)
                    ? 'HTTP framework'
                    : /node_modules\/(zod|ajv|fastify-type-provider-zod)/.test(leaf.url)
                      ? 'validation and serialisation'
                      : 'other (Node internals, other libraries)';
    categories.set(cat, (categories.get(cat) ?? 0) + us);
    total += us;
  });
  const ms = (m: Map<string, number>) => [...m].map(([k, v]) => [k, v / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
  return {
    total: total / 1000,
    categories: ms(categories),
    functions: ms(self)
      .filter(([k]) => !k.startsWith('(idle)'))
      .slice(0, top),
  };
}

export function summaryMarkdown(title: string, file: string): string {
  const s = summarise(file);
  const pct = (v: number) => `${((v / s.total) * 100).toFixed(1)} %`;
  return [
    `#### ${title}`,
    '',
    `Server CPU profile (V8 sampling, start-up excluded), ${(s.total / 1000).toFixed(1)} s of samples.`,
    '',
    '| where the time went | share |',
    '|---|---:|',
    ...s.categories.map(([k, v]) => `| ${k} | ${pct(v)} |`),
    '',
    '| function (self time) | share |',
    '|---|---:|',
    ...s.functions.map(([k, v]) => `| \`${k}\` | ${pct(v)} |`),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(summaryMarkdown(process.argv[2], process.argv[2]));
