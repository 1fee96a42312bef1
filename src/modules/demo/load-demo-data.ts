import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { DEMO_NATIONAL_PORTAL_CLIENT, demoSecretsIn } from '../../platform/config.ts';
import { UnitInput, RoleAssignment } from '../organisation/schemas.ts';
import { createUnit } from '../organisation/create-unit.ts';
import { createStaff } from '../organisation/create-staff.ts';
import { listUnits } from '../organisation/list-units.ts';
import { createServiceAccount } from '../identity/issue-service-token.ts';
import { importProcedures } from '../catalog/import-procedures.ts';
import { loadDemoDossiers } from './load-demo-dossiers.ts';
import { loadDemoWorkFiles } from '../documents/files/demo-work-files.ts';
import { loadDemoOutgoing } from '../documents/outgoing/load-demo-outgoing.ts';
import { loadDemoIncoming } from '../documents/incoming/load-demo-incoming.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../../demo/', import.meta.url));
/** Every demo official's password (README lists the accounts). */
export const DEMO_PASSWORD = 'congso-demo';
export const NATIONAL_PORTAL_CLIENT = DEMO_NATIONAL_PORTAL_CLIENT;

const Organisation = z.object({
  units: z.array(UnitInput),
  staff: z.array(
    z.object({ username: z.string(), fullName: z.string(), email: z.string().nullish(), roles: z.array(RoleAssignment), totpSecret: z.string().nullish() }),
  ),
});

export const readDemo = (name: string) => JSON.parse(readFileSync(new URL(name, `file://${DEMO_DIR}`), 'utf8')) as unknown;

/**
 * Loads the Ministry of Industry and Trade demo through the same operations an administrator
 * uses: units, staff, the national portal's service account, and the procedures through
 * the national-format import. Does nothing when the database already has units.
 */
export async function loadDemoData(ctx: Ctx, log: (msg: string) => void = () => {}, opts: { dossiers?: boolean } = {}): Promise<boolean> {
  if (ctx.database.kind === 'embedded') return loadUnlocked(ctx, log, opts);
  // Several nodes starting together on one empty server (a cluster, a compose file): one loads,
  // the others wait on the lock and then find the units there. The embedded database is one
  // connection and one process, so it needs no lock (and holding one would block its only connection).
  const client = await ctx.database.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [DEMO_LOCK_KEY]);
    return await loadUnlocked(ctx, log, opts);
  } finally {
    await client
      .query('select pg_advisory_unlock($1)', [DEMO_LOCK_KEY])
      .catch((e: Error) => log(`demo: unlock failed (${e.message}); the session's end releases it`));
    client.release();
  }
}

const DEMO_LOCK_KEY = 7361017;

async function loadUnlocked(ctx: Ctx, log: (msg: string) => void, opts: { dossiers?: boolean }): Promise<boolean> {
  if ((await listUnits(ctx)).length) return false;
  const org = Organisation.parse(readDemo('organisation.json'));
  await ctx.database.db.transaction().execute(async (tx) => {
    for (const u of org.units) await createUnit(ctx, u, 'system', tx);
  });
  for (const s of org.staff) {
    await createStaff(
      ctx,
      { username: s.username, fullName: s.fullName, email: s.email ?? null, password: DEMO_PASSWORD, roles: s.roles, totpSecret: s.totpSecret ?? null },
      'system',
    );
  }
  log(`demo: ${org.units.length} units, ${org.staff.length} staff`);
  const secret = ctx.config.mode === 'demo' ? demoSecretsIn(ctx.config.dataDir).serviceAccount : undefined;
  if (secret)
    await createServiceAccount(ctx, {
      clientId: NATIONAL_PORTAL_CLIENT,
      name: 'Cổng Dịch vụ công quốc gia',
      secret,
      // national-portal:push: the demo's portal simulator pushes dossiers filed there (src/simulators/dvcqg/inbound.ts).
      scopes: ['dossiers:write', 'dossiers:read', 'catalog:read', 'national-portal:push'],
    });
  // The document-exchange system of other agencies posts EDXML to our inbox with this account (issue 18).
  if (ctx.config.edxml.inbox)
    await createServiceAccount(ctx, {
      clientId: ctx.config.edxml.inbox.clientId,
      name: 'Hệ thống liên thông văn bản',
      secret: ctx.config.edxml.inbox.clientSecret,
      scopes: ['edxml'],
    });
  const files = readdirSync(new URL('procedures/', `file://${DEMO_DIR}`))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const records = files.map((f) => readDemo(`procedures/${f}`));
  const r = await importProcedures(ctx, { records, defaults: { effectiveFrom: '2025-01-01' } }, 'system');
  log(`demo: ${r.created} procedures imported`);
  if (opts.dossiers !== false) await loadDemoDossiers(ctx, log);
  // Outgoing official documents in several states (issue 18); they sign, so only with the full demo.
  if (opts.dossiers !== false) await loadDemoOutgoing(ctx, log);
  // Incoming official documents in several states (issue 18), through the clerk's, leader's and handler's operations.
  if (opts.dossiers !== false) await loadDemoIncoming(ctx, log);
  // Work files of official documents (issue 18): after the documents, so they can hold some.
  await loadDemoWorkFiles(ctx, log);
  return true;
}
