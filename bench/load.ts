/**
 * The load generator, run as a separate process so it does not share the server's event loop:
 * `load.ts SPEC_JSON_FILE` prints autocannon's result as JSON. The spec names the base URL,
 * the requests to rotate through (method, path, headers, body), the duration, the connections
 * and an optional fixed overall rate (latency at a given load rather than at saturation).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  requests: { method?: string; path: string; headers?: Record<string, string>; body?: string }[];
  seconds: number;
  connections: number;
  rate?: number;
}

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec;
let i = 0;
const result = await autocannon({
  url: spec.url,
  duration: spec.seconds,
  connections: spec.connections,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
  requests: [
    {
      setupRequest: ((req: Record<string, unknown>) => {
        const r = spec.requests[i++ % spec.requests.length];
        return { ...req, method: r.method ?? 'GET', path: r.path, headers: { ...(req.headers as object), ...r.headers }, body: r.body };
      }) as never,
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats,
  }),
);
