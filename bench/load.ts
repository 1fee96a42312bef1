/**
 * The load generator, run as a separate process so it does not share the server's CPU time
 * slices: `load.ts URL PATHS_JSON SECONDS CONNECTIONS [RATE]` prints autocannon's result as JSON.
 */
import autocannon from 'autocannon';

const [url, pathsJson, seconds = '10', connections = '10', rate = '0'] = process.argv.slice(2);
const paths = JSON.parse(pathsJson) as string[];
let i = 0;
const result = await autocannon({
  url,
  duration: Number(seconds),
  connections: Number(connections),
  // A fixed overall rate measures latency at a given load rather than at saturation.
  ...(Number(rate) > 0 ? { overallRate: Number(rate) } : {}),
  requests: [{ setupRequest: ((req: { path: string }) => ({ ...req, path: paths[i++ % paths.length] })) as never }],
});
process.stdout.write(JSON.stringify({
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p90: result.latency.p90,
  p99: result.latency.p99,
  max: result.latency.max,
  errors: result.errors,
  non2xx: result.non2xx,
}));
