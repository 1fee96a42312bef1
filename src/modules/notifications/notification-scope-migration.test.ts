import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/helpers.ts';
import { openDatabase, type Database } from '../../platform/db/index.ts';
import { migrate, MIGRATIONS_DIR } from '../../platform/db/migrate.ts';

/**
 * migrations/0016_notification_scope.sql on a database that already has messages: each row
 * gets its dossier's current units, so an outbox that was open to everyone is scoped from
 * the moment the migration commits, not only for messages written after it.
 */

const SCOPE = '0016_notification_scope.sql';
const dirs: string[] = [];
/** A migrations folder holding the files up to `last` (exclusive or inclusive). */
function migrationsUpTo(last: string, inclusive: boolean) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-migrations-'));
  dirs.push(dir);
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && (inclusive ? f <= last : f < last)))
    copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  // migrate() resolves file names against the folder as a URL: it must end with a slash.
  return `${dir}/`;
}

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  db = await openDatabase(fresh.url ? { url: fresh.url, poolSize: 2 } : { dataDir: 'memory://' });
});
afterAll(async () => {
  await db?.close();
  await drop?.();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the notification scope migration', () => {
  it("backfills every message with its dossier's receiving and handling units", async () => {
    await migrate(db.pool, migrationsUpTo(SCOPE, false));
    const dossier = (code: string, receiving: string, handling: string) =>
      sql`
      insert into dossiers (code, receiving_unit, handling_unit, procedure_code, procedure_version, procedure_name, channel, applicant, applicant_name_norm, filed_by, form, status, national_status, step, submitted_at, state)
      values (${code}, ${receiving}, ${handling}, '9.1', 1, 'Thủ tục', 2, '{}'::jsonb, 'x', 'citizen:x', '{}'::jsonb, 'received', 2, 1, now(), '{}'::jsonb)`.execute(
        db.db,
      );
    await dossier('A-250101-0001', '000.01.01.G12', '000.05.01.G12');
    await dossier('B-250101-0001', '000.05.02.G12', '000.05.02.G12');
    const message = (code: string | null) =>
      sql`
      insert into notifications (event, channel, lang, recipient, recipient_name, dossier_code, data, body_text)
      values ('dossier.received', 'email', 'vi', 'a@example.vn', 'A', ${code}, '{}'::jsonb, 'x')`.execute(db.db);
    await message('A-250101-0001');
    await message('B-250101-0001');
    await message(null);

    expect(await migrate(db.pool, migrationsUpTo(SCOPE, true))).toEqual([SCOPE]);
    const rows = await sql<{
      dossier_code: string | null;
      dossier_units: string[];
    }>`select dossier_code, dossier_units from notifications order by dossier_code nulls last`.execute(db.db);
    expect(rows.rows).toEqual([
      { dossier_code: 'A-250101-0001', dossier_units: ['000.01.01.G12', '000.05.01.G12'] },
      { dossier_code: 'B-250101-0001', dossier_units: ['000.05.02.G12'] },
      // About no dossier: only officials who cover the whole organisation read it.
      { dossier_code: null, dossier_units: [] },
    ]);
  });
});
