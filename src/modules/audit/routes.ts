import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { verifyAudit } from '../../platform/audit/index.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { AuditFilterFields, periodInOrder, searchAudit } from './search-audit.ts';

/** Who reads the audit trail: auditors, and administrators, who answer for the system. */
export const AUDIT_ACCESS = ['auditor', 'administrator'] as const;

const Entry = z.object({
  id: z.number(),
  at: z.date(),
  actor: z.string(),
  actorName: z.string().describe("the official's full name, the citizen's or system's account name"),
  action: z.string(),
  actionLabel: z.object({ vi: z.string(), en: z.string() }),
  target: z.string().nullable(),
  targetName: z.string().nullable().describe("a unit's or official's name, a dossier code with its applicant"),
  data: z.record(z.string(), z.unknown()),
});

const Problem = z.object({
  kind: z.enum([
    'entry-edited',
    'entry-moved',
    'entries-deleted',
    'tail-deleted',
    'head-changed',
    'checkpoint-edited',
    'checkpoints-deleted',
    'checkpoint-signature',
    'checkpoint-timestamp',
    'anchor-mismatch',
  ]),
  chain: z.number().int().nullable().describe('the hash chain concerned (0–15), for problems with entries'),
  id: z.number().int().optional().describe('the entry concerned'),
  fromId: z.number().int().optional().describe('entries of `chain` from this id …'),
  toId: z.number().int().optional().describe('… to this one (inclusive) are missing'),
  checkpoint: z.number().int().optional().describe('the checkpoint concerned'),
  message: z.string(),
  messageEn: z.string(),
});

const VerifyAnswer = z.object({
  ok: z.boolean(),
  checked: z.number().int().describe('entries checked'),
  firstBrokenId: z.number().int().nullable(),
  problems: z.array(Problem),
  moreProblems: z.number().int().describe('problems beyond those listed'),
  checkpoint: z.object({ seq: z.number().int(), at: z.date(), timestamped: z.boolean() }).nullable().describe('the checkpoint this verification took or kept'),
  checkpointsChecked: z.number().int(),
});

export const auditModule: Module = {
  name: 'audit',
  routes(app, ctx) {
    app.get('/api/v1/audit/verify', {
      config: { access: AUDIT_ACCESS },
      schema: {
        tags: ['audit'],
        summary: 'Checkpoint the chain heads, then verify the whole audit trail against every checkpoint',
        description:
          "Takes a checkpoint first (each chain's head, signed, time-stamped when a TSA is configured), then recomputes every entry's hash " +
          'and link, checks the checkpoint chain (links, signatures, time-stamps) and the checkpoint kept outside the database, and compares ' +
          'each chain with the furthest head a checkpoint recorded, so deleted newest entries are reported. `problems` lists what is wrong, ' +
          'in Vietnamese (`message`) and English (`messageEn`).',
        response: { 200: VerifyAnswer },
      },
      handler: async () => verifyAudit(ctx),
    });
    app.get('/api/v1/audit', {
      config: { access: AUDIT_ACCESS },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first, filtered, with readable names',
        description:
          "`actor`: a username, part of an official's name, or an actor as recorded (`citizen:<id>`, `service:<client>`, `system`, `anonymous`). " +
          '`action`: a code, or a prefix ending in `*` (`auth.*`). `target`: a dossier or result code, a username, a unit code, or `kind:id`. ' +
          '`from`/`to`: days (Viet Nam time), both included. Page with `before` (the smallest id of the previous page).',
        querystring: periodInOrder(
          AuditFilterFields.extend({
            before: z.coerce.number().int().positive().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            lang: z.enum(['vi', 'en']).optional(),
          }),
        ),
        response: { 200: z.array(Entry), 400: ErrorBody },
      },
      handler: async (req) => {
        const { before, limit, lang: _lang, ...filter } = req.query;
        return (await searchAudit(ctx, filter, { before, limit, lang: req.lang })).items;
      },
    });
  },
};
