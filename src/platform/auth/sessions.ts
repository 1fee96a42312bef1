import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Queryable } from '../db/index.ts';
import type { Principal } from './roles.ts';

/** The session cookie's name on plain http (demo, tests); see cookieNames. */
export const SESSION_COOKIE = 'congso_sid';

/**
 * Cookie names: with secure cookies the `__Host-` prefix makes browsers refuse the cookie
 * unless it is Secure, host-only and for the whole site, so a sibling subdomain or a
 * plain-http page cannot plant or overwrite it.
 */
export function cookieNames(secure: boolean) {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}${SESSION_COOKIE}`, csrf: `${prefix}congso_csrf` };
}
export const SESSION_TTL_HOURS = 8;

export interface Session {
  id: string;
  principal: Principal | null;
  data: Record<string, unknown>;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * Server-side sessions in the database, so any node can serve any request. The cookie holds
 * a random id; the table holds only its hash.
 */
export class SessionStore {
  constructor(private db: Queryable) {}

  async create(principal: Principal | null, data: Record<string, unknown> = {}): Promise<Session> {
    const id = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashId(id),
        principal: principal ? JSON.stringify(principal) : null,
        data: JSON.stringify(data),
        expires_at: new Date(Date.now() + SESSION_TTL_HOURS * 3600_000),
      })
      .execute();
    return { id, principal, data };
  }

  async get(id: string | undefined): Promise<Session | null> {
    if (!id || id.length > 100) return null;
    const row = await this.db
      .selectFrom('sessions')
      .select(['principal', 'data'])
      .where('id_hash', '=', hashId(id))
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    if (!row) return null;
    return { id, principal: row.principal as Principal | null, data: row.data as Record<string, unknown> };
  }

  async update(s: Session): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ principal: s.principal ? JSON.stringify(s.principal) : null, data: JSON.stringify(s.data) })
      .where('id_hash', '=', hashId(s.id))
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashId(id)).execute();
  }

  async purgeExpired(): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/**
 * Ends every session of an official's account (a credential reset, a password change), except
 * the one named: the session in which the official has just proved the new password.
 */
export async function endStaffSessions(db: Queryable, staffId: string, except?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where(sql<string>`principal->>'kind'`, '=', 'staff').where(sql<string>`principal->>'id'`, '=', staffId);
  if (except) q = q.where('id_hash', '<>', hashId(except));
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
