import { z } from 'zod';

/**
 * The national measuring system's (EMC) per-action event, in one place (INTEGRATIONS §4): the
 * field names, their codes, and how our facts map to them. The EMC adapter (emc-client.ts) and
 * its simulator (src/simulators/emc) both read this file's names, and the simulator checks
 * events against `EmcEventSchema` as the system would. Per dossier action the back end POSTs
 * one JSON event; HTTP 204 is success.
 */

/** The path under EMC_URL events are posted to (the system's own is not public: configuration names the base). */
export const EVENT_PATH = '/api/events';
/** EMC's answer to an accepted event; anything else is a failure to retry. */
export const SUCCESS_STATUS = 204;
/**
 * Our site's token (EMC_TOKEN) travels in this header. How EMC authenticates a site is not
 * public; a header of its own keeps it apart from any bearer token the path might also see.
 */
export const TOKEN_HEADER = 'x-emc-token';
export const authHeader = (token: string) => ({ [TOKEN_HEADER]: token });
/** One event is small: a slow answer is a failure, retried by the job. */
export const TIMEOUT_MS = 6000;

/** Status: where the dossier is, as EMC counts it. */
export const EMC_STATUS = { other: 0, received: 1, processing: 2, returned: 3, assigned: 4 } as const;
/** FormsReception: how the dossier was received. */
export const FORMS_RECEPTION = { online: 1, direct: 2 } as const;
/** FormsPayments: how its fee was paid. */
export const FORMS_PAYMENTS = { none: 0, online: 1, direct: 2 } as const;
/** IsDVCBC: whether it came through the postal public service. */
export const IS_DVCBC = { direct: 0, vnpost: 1, other: 2 } as const;
/** IsFromDVCQG: whether it was filed on the National Public Service Portal (1) or on this portal (0). */
export const IS_FROM_DVCQG = { no: 0, yes: 1 } as const;
/**
 * Level: the online service level (OpenCPS sends 3, the old "level 3"). Decree 42/2022 names two
 * levels, full (toàn trình) and partial (một phần); they are sent as the old levels 4 and 3.
 */
export const LEVEL = { full: 4, partial: 3 } as const;
/** User.TYPE: who filed (a person, an organisation). */
export const USER_TYPE = { citizen: 1, organisation: 2 } as const;

const code = <T extends Record<string, number>>(codes: T) =>
  z
    .number()
    .int()
    .refine((v) => (Object.values(codes) as number[]).includes(v), { message: `must be one of ${Object.values(codes).join(', ')}` });

/** The event as EMC receives it (JSON body of POST {EMC_URL}{EVENT_PATH}). */
export const EmcEventSchema = z
  .object({
    /** The dossier code (mã hồ sơ). */
    CodeProfile: z.string().min(1).max(60),
    /** Our site id with EMC (EMC_SITE_ID). */
    SiteId: z.string().min(1).max(60),
    /** The national procedure code. */
    CodeTTHC: z.string().min(1).max(60),
    NameTTHC: z.string().min(1).max(1000),
    Status: code(EMC_STATUS),
    FormsReception: code(FORMS_RECEPTION),
    FormsPayments: code(FORMS_PAYMENTS),
    Level: code(LEVEL),
    IsFromDVCQG: code(IS_FROM_DVCQG),
    IsDVCBC: code(IS_DVCBC),
    User: z
      .object({
        /** Our account id of the applicant ('' for a counter filing without an account). */
        ID_local: z.string().max(100),
        /** The applicant's national identifier (VNeID), '' when unknown. */
        ID_QG: z.string().max(20),
        TYPE: code(USER_TYPE),
        /** The administrative area code of the receiving unit. */
        LOCATION: z.string().max(60),
      })
      .strict(),
  })
  .strict();
export type EmcEvent = z.infer<typeof EmcEventSchema>;

/** What congso knows of a state change (side-effects.ts `afterStateChange`), enough for one event. */
export interface DossierEventFacts {
  dossierCode: string;
  procedureCode: string;
  procedureName: string;
  /** Our national status after the change (workflow.ts STATUSES[…].national, 1–10). */
  nationalStatus: number;
  /** The action taken ('submit' for a filing). */
  action: string;
  /** 1 at the counter, 2 online, 3 by post. */
  channel: number;
  /** Whether a fee was paid through the national payment platform. */
  paidOnline: boolean;
  /** Whether the dossier owes or paid a fee. */
  feeBearing: boolean;
  /** The action's seq in the dossier's log: with the dossier code, names the event once. */
  seq: number;
  /** The applicant's account, if they have one. */
  ownerCitizenId: string | null;
  /** The applicant's national identifier, if known. */
  applicantIdentifier?: string | null;
  /** The applicant's kind (schemas.ts Applicant.kind): 'business' files as an organisation. */
  applicantKind?: string | null;
  /** The procedure's online service level; partial when unknown. */
  level?: 'full' | 'partial';
  /** The receiving unit's code (User.LOCATION). */
  location?: string | null;
  /** Filed on the National Public Service Portal and handed to us. */
  fromNationalPortal?: boolean;
}

/**
 * Our national status (and the action that led to it) as EMC's Status. EMC counts a dossier
 * received once the desk took it in (OpenCPS: "processing" → received), assigned when a leader
 * gave it to a specialist, returned once the result went back; everything before receipt and
 * every end other than a result is "other".
 */
export function emcStatus(nationalStatus: number, action: string): (typeof EMC_STATUS)[keyof typeof EMC_STATUS] {
  if (action === 'assign' || action === 'reassign') return EMC_STATUS.assigned;
  switch (nationalStatus) {
    case 2:
      return EMC_STATUS.received;
    case 4: // processing, proposed
    case 5: // awaiting a supplement
    case 6: // awaiting the fee
    case 9: // processed, result to be returned
      return EMC_STATUS.processing;
    case 10:
      return EMC_STATUS.returned;
    default: // 1 submitted, 3 refused, 7 withdrawn, 8 stopped
      return EMC_STATUS.other;
  }
}

/** The event EMC receives for these facts. */
export function toEmcEvent(f: DossierEventFacts, siteId: string): EmcEvent {
  return {
    CodeProfile: f.dossierCode,
    SiteId: siteId,
    CodeTTHC: f.procedureCode,
    NameTTHC: f.procedureName.slice(0, 1000),
    Status: emcStatus(f.nationalStatus, f.action),
    FormsReception: f.channel === 2 ? FORMS_RECEPTION.online : FORMS_RECEPTION.direct,
    FormsPayments: !f.feeBearing ? FORMS_PAYMENTS.none : f.paidOnline ? FORMS_PAYMENTS.online : FORMS_PAYMENTS.direct,
    Level: LEVEL[f.level ?? 'partial'],
    IsFromDVCQG: f.fromNationalPortal ? IS_FROM_DVCQG.yes : IS_FROM_DVCQG.no,
    // Channel 3 is the postal public service (VNPost carries the dossier to the desk).
    IsDVCBC: f.channel === 3 ? IS_DVCBC.vnpost : IS_DVCBC.direct,
    User: {
      ID_local: f.ownerCitizenId ?? '',
      ID_QG: (f.applicantIdentifier ?? '').slice(0, 20),
      TYPE: f.applicantKind === 'business' ? USER_TYPE.organisation : USER_TYPE.citizen,
      LOCATION: (f.location ?? '').slice(0, 60),
    },
  };
}
