import { z } from 'zod';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The period asked for: Vietnam days, both included (`YYYY-MM-DD`); the last 30 days by default. */
export const UsageQuery = z.object({
  from: Day.optional().describe('First Vietnam day (YYYY-MM-DD); 29 days before `to` by default'),
  to: Day.optional().describe('Last Vietnam day (YYYY-MM-DD), included; today by default'),
});

const Devices = z.object({ mobile: z.number().int(), tablet: z.number().int(), desktop: z.number().int() });

/** The usage of the portal over a period: counts only, nothing about any one visitor. */
export const UsageView = z.object({
  from: Day,
  to: Day,
  totals: Devices.extend({
    views: z.number().int().describe('Portal pages viewed (answered 200) by people, robots excluded'),
    bots: z.number().int().describe('Requests from robots, monitors and HTTP libraries (not counted as views)'),
  }),
  days: z.array(Devices.extend({ day: Day, views: z.number().int() })).describe('Every day of the period, in order'),
  pages: z.array(z.object({ page: z.string().describe('The page class (a route of the portal), never an address'), views: z.number().int() })),
  services: z.array(z.object({ code: z.string(), name: z.string().nullable(), views: z.number().int() })).describe('Procedure pages most viewed (at most 20)'),
  funnel: z
    .array(
      z.object({
        code: z.string(),
        name: z.string().nullable(),
        viewed: z.number().int(),
        draftStarted: z.number().int(),
        submitted: z.number().int(),
        draftRate: z.number().nullable().describe('draftStarted / viewed, percent; null without views'),
        submitRate: z.number().nullable().describe('submitted / viewed, percent; null without views'),
      }),
    )
    .describe('Per procedure: its page viewed → a draft started → an online dossier filed'),
  eformSteps: z
    .array(
      z.object({
        code: z.string(),
        name: z.string().nullable(),
        steps: z.array(
          z.object({
            step: z.string(),
            reached: z.number().int(),
            left: z.number().int().describe('Reached this step but not the next (the last: not filed)'),
          }),
        ),
        submitted: z.number().int(),
      }),
    )
    .describe('Per procedure: how far applicants got in the filing form'),
  emc: z.object({
    configured: z.boolean().describe('Whether EMC_URL (or the demo simulator) is set; without it no event is sent'),
    sent: z.number().int().describe('Events delivered in the period'),
    pending: z.number().int().describe('Events not yet tried'),
    failed: z.number().int().describe('Events tried and not yet delivered (retried by the job)'),
    lastError: z.string().nullable(),
    lastSentAt: z.string().nullable(),
  }),
});
export type UsageView = z.infer<typeof UsageView>;
