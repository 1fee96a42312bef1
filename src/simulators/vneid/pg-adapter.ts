/**
 * The VNeID simulator's provider state in the database (`sso_simulator_store`, migration 0036),
 * for a demo that runs as a cluster: an authorization code issued by the node that showed the
 * sign-in page is redeemed by whichever node the token request reaches. Same behaviour as the
 * memory adapter: expired rows are never returned, and are purged now and then.
 */
import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import { sql } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Queryable } from '../../platform/db/index.ts';

type JsonWebKey = webcrypto.JsonWebKey;

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

/** One purge of expired rows every this many writes (per process): no timer is left running. */
const PURGE_EVERY = 200;

const live = sql`(expires_at is null or expires_at > now())`;

/** Returns an adapter factory (`configuration.adapter`) over the database. */
export function createPgAdapter(db: Queryable): (model: string) => Adapter {
  let writes = 0;
  const purge = () =>
    sql`delete from sso_simulator_store where expires_at <= now()`.execute(db).then(
      () => undefined,
      (e: Error) => console.warn('VNeID simulator: purging expired state failed:', e.message), // the next purge tries again
    );

  return (model: string): Adapter => {
    const findWhere = async (where: ReturnType<typeof sql>) => {
      const r = await sql<{ payload: AdapterPayload }>`select payload from sso_simulator_store where model = ${model} and ${where} and ${live}`.execute(db);
      return r.rows[0]?.payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const expires = typeof expiresIn === 'number' && Number.isFinite(expiresIn) ? sql`now() + make_interval(secs => ${expiresIn})` : sql`null`;
        const grantId = GRANTABLE.has(model) && typeof payload.grantId === 'string' ? payload.grantId : null;
        const userCode = typeof payload.userCode === 'string' ? payload.userCode : null;
        const uid = model === 'Session' && typeof payload.uid === 'string' ? payload.uid : null;
        await sql`
          insert into sso_simulator_store (model, id, payload, grant_id, user_code, uid, expires_at)
          values (${model}, ${id}, ${JSON.stringify(payload)}::jsonb, ${grantId}, ${userCode}, ${uid}, ${expires})
          on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
            user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`.execute(db);
        if (++writes % PURGE_EVERY === 0) void purge();
      },
      find: (id) => findWhere(sql`id = ${id}`),
      findByUid: (uid) => findWhere(sql`uid = ${uid}`),
      findByUserCode: (userCode) => findWhere(sql`user_code = ${userCode}`),
      async consume(id) {
        await sql`update sso_simulator_store set payload = payload || jsonb_build_object('consumed', extract(epoch from now())::bigint)
          where model = ${model} and id = ${id}`.execute(db);
      },
      async destroy(id) {
        await sql`delete from sso_simulator_store where model = ${model} and id = ${id}`.execute(db);
      },
      async revokeByGrantId(grantId) {
        await sql`delete from sso_simulator_store where grant_id = ${grantId}`.execute(db);
      },
    };
  };
}

/**
 * The provider's signing key, one for every node: a relying party fetches the JWKS from whichever
 * node the load balancer picks, and must find there the key the ID token was signed with. The
 * first node to start makes it; the others read it.
 */
export async function sharedSigningKey(db: Queryable): Promise<JsonWebKey> {
  const made = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  await sql`insert into sso_simulator_store (model, id, payload) values ('SimulatorKey', 'rs256', ${JSON.stringify(made)}::jsonb)
    on conflict (model, id) do nothing`.execute(db);
  const r = await sql<{ payload: JsonWebKey }>`select payload from sso_simulator_store where model = 'SimulatorKey' and id = 'rs256'`.execute(db);
  return r.rows[0].payload;
}
