import { expect } from 'vitest';
import { api, freePort, login, type TestApp } from '../../../../test/helpers.ts';
import { LIGHT_PROCEDURE } from '../../../../test/dossier-fixtures.ts';
import { buildServer, type Module } from '../../../platform/http/server.ts';
import type { App } from '../../../platform/http/types.ts';

/**
 * Test-only helpers of the payment tests (imported by `*.test.ts` files only): a procedure that
 * charges at filing, filing a dossier that owes it, and driving the payment platform's
 * simulator over HTTP as a payer's browser and a test harness would.
 */

/** Charged at filing: a lệ phí of 150 000 đ and a phí of 50 000 đ, 200 000 đ in all. */
export const FEE_PROCEDURE = {
  ...LIGHT_PROCEDURE,
  code: '9.100140',
  name: 'Thủ tục thử nghiệm có phí, lệ phí',
  executionMethods: LIGHT_PROCEDURE.executionMethods.map((m) => ({
    ...m,
    fees: [
      { type: 'FEE', value: 150_000, code: 'LP-01', description: 'Lệ phí cấp giấy xác nhận', dueAt: 'filing' },
      { type: 'CHARGE', value: 50_000, code: 'P-01', description: 'Phí thẩm định hồ sơ', dueAt: 'filing' },
    ],
  })),
};
export const FEE_TOTAL = 200_000;
/** The receiving unit of the test procedures (their `congso.agencyCode` and receive step). */
export const FEE_UNIT = '000.05.01.G12';

export async function importFeeProcedure(t: TestApp) {
  const r = await api(t, 'POST', '/api/v1/procedures/import', { token: await login(t, 'admin'), body: [FEE_PROCEDURE] });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Files online as the citizen: the dossier waits, unsent, for its fee. */
export async function fileOwing(t: TestApp, citizen: string): Promise<string> {
  const r = await api<{ code: string; status: string }>(t, 'POST', '/api/v1/dossiers', {
    token: citizen,
    body: { procedureCode: FEE_PROCEDURE.code, channel: 2, form: { tenDoanhNghiep: 'Công ty TNHH Thử Nghiệm', maSoThue: '0101234567' }, components: [] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.status).toBe('unpaid');
  return r.body.code;
}

/** Where the simulator listens: inside the test app (demo mode mounts it), or a server of its own when the app does not. */
export interface Simulator {
  base: string;
  close(): Promise<void>;
}

/** `simulator` is the simulator's Module (src/simulators/payment/routes.ts), passed in by the test: only tests import a simulator. */
export async function simulatorFor(t: TestApp, simulator: Module): Promise<Simulator> {
  const mounted = `${t.base}/simulators/payment`;
  if ((await fetch(`${mounted}/style.css`)).status === 200) return { base: mounted, close: async () => {} };
  // The app does not serve it: the same module on a port of its own, the app's payment address pointed at it.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const simCtx = { ...t.ctx, config: { ...t.ctx.config, publicUrl: origin } };
  const app: App = await buildServer(simCtx, [simulator], { refreshPrincipal: async (p) => p });
  await app.listen({ port, host: '127.0.0.1' });
  t.ctx.config.payment!.url = `${origin}/simulators/payment`;
  return { base: t.ctx.config.payment!.url, close: () => app.close() };
}

export async function setFault(sim: Simulator, body: Record<string, unknown>) {
  const r = await fetch(`${sim.base}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status, await r.clone().text()).toBe(200);
}

/** The payer on the platform's page: pays (or fails) with a bank; the 303 back to our return page, or the page shown. */
export async function payAt(redirectUrl: string, outcome: 'pay' | 'fail' = 'pay', bank = 'VCB'): Promise<{ status: number; location: string | null }> {
  const r = await fetch(redirectUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, bank }).toString(),
    redirect: 'manual',
  });
  await r.text();
  return { status: r.status, location: r.headers.get('location') };
}

/** The signed fields the browser brings back (the same as the CONFIRM's). */
export const returnFields = (location: string) => Object.fromEntries(new URL(location).searchParams);

export interface SimTransaction {
  reference: string;
  amount: number;
  state: 'pending' | 'paid' | 'failed';
  callbacks: { status: number | null; reply: Record<string, string> | null; replySigned: boolean; fault: string | null }[];
}

export async function simTransaction(sim: Simulator, reference: string): Promise<SimTransaction> {
  const r = await fetch(`${sim.base}/transactions/${encodeURIComponent(reference)}`);
  expect(r.status).toBe(200);
  return (await r.json()) as SimTransaction;
}
