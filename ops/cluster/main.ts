/**
 * `npm run cluster [-- --nodes N --workers M --no-replica --base-port P --keep]`: the local
 * cluster (ops/cluster/cluster.ts) until Ctrl-C, then everything it started is stopped.
 */
import { startCluster } from './cluster.ts';

const HELP = `npm run cluster -- [options]

  --nodes N        app nodes behind HAProxy (default 2)
  --workers M      job workers (default 2)
  --no-replica     no streaming replica
  --base-port P    consecutive ports from P: HAProxy, its statistics, the nodes, PostgreSQL primary, replica, object store (default 8080)
  --keep           keep the cluster's folder (logs, data) after Ctrl-C`;

function parse(argv: string[]) {
  const o = { nodes: 2, workers: 2, replica: true, basePort: 8080, keep: false };
  const count = (i: number, min: number) => {
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < min) throw new Error(`${argv[i]} needs a whole number of at least ${min}\n\n${HELP}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--nodes') o.nodes = count(i++, 1);
    else if (a === '--workers') o.workers = count(i++, 0);
    else if (a === '--base-port') o.basePort = count(i++, 1024);
    else if (a === '--no-replica') o.replica = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n\n${HELP}`);
  }
  return o;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const t0 = performance.now();
  // Ctrl-C while starting: exit at once; the cluster's exit hook kills what has started so far.
  const early = () => process.exit(130);
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  const cluster = await startCluster({
    appNodes: o.nodes,
    workers: o.workers,
    replica: o.replica,
    basePort: o.basePort,
    keep: o.keep,
    killOnSignal: false,
    log: (line) => console.log(`cluster: ${line}`),
  });
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping everything the cluster started`);
    await cluster.stop();
    process.exit(0);
  };
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => void stop(s));

  const ports = [
    `HAProxy ${cluster.haproxy.port} (statistics ${cluster.statsUrl})`,
    ...cluster.nodes.map((n) => `${n.name} ${n.port}`),
    `PostgreSQL primary ${cluster.primary.port}`,
    ...(cluster.replica ? [`replica ${cluster.replica.port}`] : []),
    `object store ${cluster.objectStore.port} (bucket ${cluster.objectStore.bucket})`,
  ];
  console.log(`
congso cluster ready in ${Math.round((performance.now() - t0) / 1000)} s: ${cluster.url}

  ports:   ${ports.join('\n           ')}
  workers: ${cluster.workers.map((w) => `${w.name} (pid ${w.pid})`).join(', ') || 'none'}
  logs:    ${cluster.dir}/logs
  demo:    officials sign in at ${cluster.url}/can-bo/dang-nhap with password congso-demo (README "Demo accounts";
           admin and ky also need a TOTP code: npm run -s totp -- USERNAME); citizens at ${cluster.url}/dang-nhap (VNeID simulator)

Ctrl-C stops everything.`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
