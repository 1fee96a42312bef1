/**
 * The national measuring system (EMC), simulated (INTEGRATIONS §4): the other side of
 * src/modules/analytics/emc. Its own reading of the contract, so it checks ours: per dossier
 * action one JSON event with CodeProfile, SiteId, CodeTTHC, NameTTHC, Status (0 other,
 * 1 received, 2 processing, 3 returned, 4 assigned), FormsReception (1 online, 2 direct),
 * FormsPayments (0 none, 1 online, 2 direct), Level, IsFromDVCQG (0, 1), IsDVCBC (0 direct,
 * 1 VNPost, 2 other) and User {ID_local, ID_QG, TYPE, LOCATION}; 204 when accepted, 400 naming
 * the first bad field or a wrong site token (header `x-emc-token`). Faults for tests and the demo: the next N
 * events fail with a status, or are answered late. State is in memory, like a test bed.
 */

export interface EmcSimulatorOptions {
  siteId: string;
  token: string;
  now?: () => Date;
}

export interface ReceivedEvent {
  at: string;
  event: Record<string, unknown>;
}

export interface Faults {
  /** The next this many events are answered with `status` (and not kept). */
  failNext: number;
  status: number;
  /** Every answer waits this long first. */
  delayMs: number;
}

const FIELDS: Record<string, 'text' | readonly number[]> = {
  CodeProfile: 'text',
  SiteId: 'text',
  CodeTTHC: 'text',
  NameTTHC: 'text',
  Status: [0, 1, 2, 3, 4],
  FormsReception: [1, 2],
  FormsPayments: [0, 1, 2],
  Level: [2, 3, 4],
  IsFromDVCQG: [0, 1],
  IsDVCBC: [0, 1, 2],
};
const USER_FIELDS: Record<string, 'text' | readonly number[]> = { ID_local: 'text', ID_QG: 'text', TYPE: [1, 2], LOCATION: 'text' };
const REQUIRED_TEXT = new Set(['CodeProfile', 'SiteId', 'CodeTTHC', 'NameTTHC']);

/** The first thing wrong with an event, or null. */
export function eventProblem(body: unknown, siteId: string): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const e = body as Record<string, unknown>;
  const check = (o: Record<string, unknown>, fields: Record<string, 'text' | readonly number[]>, prefix: string): string | null => {
    for (const k of Object.keys(o)) if (!(k in fields) && !(prefix === '' && k === 'User')) return `${prefix}${k}: unknown field`;
    for (const [k, spec] of Object.entries(fields)) {
      const v = o[k];
      if (spec === 'text') {
        if (typeof v !== 'string') return `${prefix}${k}: must be a string`;
        if (v.length > 1000) return `${prefix}${k}: too long`;
        if (REQUIRED_TEXT.has(k) && !v.trim()) return `${prefix}${k}: must not be empty`;
      } else if (typeof v !== 'number' || !spec.includes(v)) return `${prefix}${k}: must be one of ${spec.join(', ')}`;
    }
    return null;
  };
  const top = check(e, FIELDS, '');
  if (top) return top;
  if (e.SiteId !== siteId) return 'SiteId: not this site';
  if (!e.User || typeof e.User !== 'object' || Array.isArray(e.User)) return 'User: must be an object';
  return check(e.User as Record<string, unknown>, USER_FIELDS, 'User.');
}

export function createEmcSimulator(o: EmcSimulatorOptions) {
  const now = o.now ?? (() => new Date());
  let received: ReceivedEvent[] = [];
  let faults: Faults = { failNext: 0, status: 500, delayMs: 0 };
  let refused = 0;
  return {
    /** One event as POSTed: the HTTP status to answer and, for a refusal, why. */
    async receive(token: string | undefined, body: unknown): Promise<{ status: number; error?: string }> {
      if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
      // Refused as a bad message (400), like every refusal of its contract: the caller is a system, not a person signing in.
      if (token !== o.token) return { status: 400, error: 'unknown site token' };
      if (faults.failNext > 0) {
        faults.failNext--;
        refused++;
        return { status: faults.status, error: 'fault injected' };
      }
      const problem = eventProblem(body, o.siteId);
      if (problem) {
        refused++;
        return { status: 400, error: problem };
      }
      received.push({ at: now().toISOString(), event: body as Record<string, unknown> });
      if (received.length > 10_000) received = received.slice(-10_000);
      return { status: 204 };
    },
    /** What was accepted, oldest first (one dossier's, when named). */
    events(dossier?: string): ReceivedEvent[] {
      return dossier ? received.filter((r) => r.event.CodeProfile === dossier) : [...received];
    },
    setFaults(f: Partial<Faults>) {
      faults = { ...faults, ...f };
    },
    faults: () => ({ ...faults, refused }),
    reset() {
      received = [];
      faults = { failNext: 0, status: 500, delayMs: 0 };
      refused = 0;
    },
  };
}
export type EmcSimulator = ReturnType<typeof createEmcSimulator>;
