import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, closeContext, createContext } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Ctx } from '../../src/platform/context.ts';
import type { App } from '../../src/platform/http/types.ts';
import { loadDemoData } from '../../src/modules/demo/load-demo-data.ts';
import { freePort, freshDatabase, onPostgres, RELAXED_LIMITS } from '../helpers.ts';

export interface Node {
  ctx: Ctx;
  app: App;
  /** The node's own address, past the front. */
  base: string;
}

export interface Cluster {
  nodes: [Node, Node];
  /** The load balancer's address: PUBLIC_URL of both nodes. */
  front: string;
  /** Which node the front sends a request to (default: alternately). */
  route: (req: IncomingMessage) => 0 | 1;
  /** Whether the two nodes have contexts of their own (a PostgreSQL server), or share the embedded database's one. */
  separateContexts: boolean;
  close(): Promise<void>;
}

/**
 * Two app nodes on one database, as a cluster runs them, behind a front that plays the load
 * balancer: same configuration and secrets (one DATA_DIR), PUBLIC_URL the front's. On a
 * PostgreSQL server each node has a context of its own (pool, jobs, caches); the embedded
 * database is one process's, so there the two apps share one context.
 */
export async function startCluster(opts: { env?: Record<string, string>; demo?: boolean } = {}): Promise<Cluster> {
  const db = await freshDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-cluster-'));
  let turn = 0;
  const cluster = { route: () => (turn++ % 2) as 0 | 1 } as unknown as Cluster;
  const front: Server = createServer((req, res) => {
    const target = new URL(cluster.nodes[cluster.route(req)].base);
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(e.message);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  cluster.front = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  const contexts: Ctx[] = [];
  const apps: App[] = [];
  try {
    const env = {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PUBLIC_URL: cluster.front,
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      ...RELAXED_LIMITS,
      ...opts.env,
    };
    const start = async (): Promise<Node> => {
      const port = await freePort();
      const config = loadConfig({ ...env, PORT: String(port) });
      let ctx = contexts[0];
      if (!ctx || onPostgres()) {
        ctx = await createContext(config, { worker: false });
        contexts.push(ctx);
      }
      const app = await buildApp(ctx);
      apps.push(app);
      await app.listen({ port, host: '127.0.0.1' });
      return { ctx, app, base: `http://127.0.0.1:${port}` };
    };
    const a = await start();
    if (opts.demo) await loadDemoData(a.ctx, undefined, { dossiers: false });
    cluster.nodes = [a, await start()];
  } catch (e) {
    await stop();
    throw e;
  }
  cluster.separateContexts = contexts.length === 2;
  async function stop() {
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
    for (const app of apps) await app.close();
    for (const ctx of contexts) await closeContext(ctx);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  cluster.close = stop;
  return cluster;
}
