import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../dossiers/workflow.ts';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS } from './action-labels.ts';

/**
 * Every action the code records has a readable name on the audit page and in its export. The
 * recorded actions are read from the source: each `action: '…'` literal in a file that calls
 * recordAudit or audit, and the two computed families (a dossier's workflow actions, a result revoked or
 * replaced). A new `recordAudit` call with an unlabelled action fails here, not on a screen.
 */
const SRC = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

function recordedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const f of sourceFiles(SRC)) {
    const text = readFileSync(f, 'utf8');
    if (!/\b(recordAudit|audit)\(/.test(text)) continue;
    // The whole value after `action:`, so both sides of a choice (`draft ? 'a.x' : 'a.y'`) are found.
    for (const line of text.matchAll(/\baction: ([^\n]*)/g))
      for (const m of line[1].matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) found.set(m[1], path.relative(SRC, f));
  }
  for (const a of ACTIONS) found.set(`dossier.${a}`, 'modules/dossiers/take-action.ts');
  for (const a of ['result.revoke', 'result.replace']) found.set(a, 'modules/results/revoke-result.ts');
  return found;
}

describe('audit action labels', () => {
  it('every action the code records has a Vietnamese and an English name', () => {
    const found = recordedActions();
    // The scan itself must find what it is meant to: a few known actions from different modules.
    for (const known of ['auth.login', 'dossier.submit', 'payment.settled', 'digitisation.scan.create']) expect(found.has(known), known).toBe(true);
    const missing = [...found].filter(([a]) => !AUDIT_ACTIONS[a]?.vi || !AUDIT_ACTIONS[a]?.en).map(([a, f]) => `${a} (${f})`);
    expect(missing).toEqual([]);
  });

  it('every recorded action falls in a group the audit page filters by', () => {
    const ungrouped = [...recordedActions().keys()].filter((a) => !AUDIT_ACTION_GROUPS.some((g) => a.startsWith(g.prefix)));
    expect(ungrouped).toEqual([]);
  });
});
