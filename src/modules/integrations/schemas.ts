import { z } from 'zod';

/** Who runs the connections: administrators act; auditors read. */
export const INTEGRATION_READERS = ['administrator', 'auditor'] as const;
export const INTEGRATION_OPERATORS = ['administrator'] as const;

export const AdapterParam = z.object({
  adapter: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'must be an adapter name (lower case letters, digits, dashes)')
    .describe('The adapter, e.g. national-portal'),
});

export const DeadLetterView = z.object({
  id: z.string(),
  key: z.string().describe('What the message is about, usually a dossier code'),
  kind: z.string().describe("The message's kind in the other system's terms, e.g. DongBoHoSoMC"),
  attempts: z.number().int(),
  createdAt: z.string().datetime(),
  deadAt: z.string().datetime().nullable(),
  lastError: z.string().nullable(),
});

export const IntegrationView = z.object({
  name: z.string(),
  label: z.object({ vi: z.string(), en: z.string() }),
  state: z.enum(['ok', 'failing', 'paused', 'idle']).describe('paused by an administrator; failing when its last call failed; idle when it has not called yet'),
  paused: z.boolean(),
  pausedBy: z.string().nullable(),
  pausedAt: z.string().datetime().nullable(),
  pending: z.number().int().describe('Messages waiting to be delivered (the queue depth)'),
  oldestPendingAt: z.string().datetime().nullable(),
  dead: z.number().int().describe('Dead letters waiting for an administrator'),
  lastSuccessAt: z.string().datetime().nullable(),
  lastFailureAt: z.string().datetime().nullable(),
  lastError: z.string().nullable(),
  calls24h: z.object({ ok: z.number().int(), failed: z.number().int(), avgMs: z.number().int().nullable() }),
  failureRate: z.number().nullable().describe('Failed ÷ all calls in the last 24 hours, in %, one decimal; null without calls'),
  deadLetters: z.array(DeadLetterView).describe('The newest dead letters (at most 20)'),
});
export type IntegrationView = z.infer<typeof IntegrationView>;

export const PauseInput = z.object({ paused: z.boolean().describe('true pauses the deliveries, false resumes them') }).strict();
export const ReplayInput = z
  .object({
    id: z
      .union([z.literal('all'), z.string().regex(/^\d{1,18}$/, 'must be a dead letter id or "all"')])
      .describe('A dead letter id, or "all" for every dead letter of the adapter'),
  })
  .strict();
export const ReplayResult = z.object({ replayed: z.number().int() });
