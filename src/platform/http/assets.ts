import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Ctx } from '../context.ts';
import type { App } from './types.ts';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STYLES = path.join(ROOT, 'src/web/styles/app.scss');
const pkgDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/**
 * The design system is GOV.UK Frontend, compiled from its Sass with the congso theme
 * (Be Vietnam Pro, the national red). Compiled once and cached by content hash, so a
 * start after the first costs nothing.
 */
export async function compileStyles(): Promise<string> {
  const govuk = pkgDir('govuk-frontend');
  const src = readFileSync(STYLES, 'utf8');
  const key = createHash('sha256')
    .update(src)
    .update(readFileSync(path.join(govuk, 'package.json')))
    .digest('hex')
    .slice(0, 16);
  const cacheDir = path.join(ROOT, 'node_modules/.cache/congso');
  const cached = path.join(cacheDir, `app.${key}.css`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const sass = await import('sass');
  const out = sass.compile(STYLES, { loadPaths: [path.join(ROOT, 'node_modules')], style: 'compressed', quietDeps: true, silenceDeprecations: ['import'] });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, out.css);
  return out.css;
}

export async function registerAssets(app: App, _ctx: Ctx) {
  // Compiled before listening, so a broken theme fails the start, not a page.
  const css = await compileStyles();
  const cache = 'public, max-age=3600';
  app.get('/assets/app.css', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    return reply.type('text/css; charset=utf-8').header('cache-control', cache).send(css);
  });
  const files: Record<string, string> = {
    '/assets/htmx.min.js': path.join(pkgDir('htmx.org'), 'dist/htmx.min.js'),
    '/assets/govuk-frontend.min.js': path.join(pkgDir('govuk-frontend'), 'dist/govuk/govuk-frontend.min.js'),
    '/assets/app.js': path.join(ROOT, 'src/web/assets/app.js'),
  };
  for (const [url, file] of Object.entries(files)) {
    const body = readFileSync(file);
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', cache).send(body),
    );
  }
  app.register(fastifyStatic, {
    root: path.join(pkgDir('@fontsource/be-vietnam-pro'), 'files'),
    prefix: '/assets/fonts/',
    decorateReply: false,
    maxAge: '7d',
    immutable: true,
  });
  app.register(fastifyStatic, { root: path.join(pkgDir('govuk-frontend'), 'dist/govuk/assets'), prefix: '/assets/govuk/', decorateReply: false, maxAge: '7d' });
}
