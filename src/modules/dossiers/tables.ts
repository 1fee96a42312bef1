import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

/** Kysely types of the dossier tables (migrations/0005_dossiers.sql). */
export interface DossierTables {
  dossiers: {
    id: Generated<string>;
    code: string;
    receiving_unit: string;
    handling_unit: string;
    procedure_code: string;
    procedure_version: number;
    procedure_name: string;
    channel: number;
    applicant: Json;
    applicant_name_norm: string;
    owner_citizen_id: string | null;
    filed_by: string;
    form: Json;
    status: string;
    national_status: number;
    step: number;
    step_role: string | null;
    step_unit: string | null;
    assignee: string | null;
    submitted_at: Timestamp;
    received_at: Timestamp | null;
    due_date: ColumnType<string | null, string | null, string | null>;
    step_due_date: ColumnType<string | null, string | null, string | null>;
    /** When the time limit ends (migrations/0044-dossier-due-moments.sql); due_date is its Vietnamese day. */
    due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    /** When the current step's own time ends; step_due_date is its Vietnamese day. */
    step_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    finished_at: Timestamp | null;
    state: Json;
    /** The seq of the last action (migrations/0018_dossier_version.sql): what an action names to be applied. */
    version: Generated<number>;
    /** How the applicant receives the result (migrations/0021-citizen-inbox.sql); null before the choice existed. */
    delivery: ColumnType<'online' | 'desk' | 'post' | null, 'online' | 'desk' | 'post' | null | undefined, 'online' | 'desk' | 'post' | null>;
    /** Filed on the National Public Service Portal (migrations/0032-national-inbound.sql): its MaHoSo, unique, and the applicant's national account (TechID). */
    national_code: ColumnType<string | null, string | null | undefined, string | null>;
    national_tech_id: ColumnType<string | null, string | null | undefined, string | null>;
    idempotency_owner: string | null;
    idempotency_key: string | null;
    idempotency_hash: string | null;
    updated_at: Generated<Date>;
  };
  dossier_components: {
    dossier_id: string;
    idx: number;
    component_code: string | null;
    name: string;
    upload_id: string | null;
    sha256: string | null;
    file_name: string | null;
    content_type: string | null;
    size: number | null;
    reused: Generated<boolean>;
    supplemented: Generated<boolean>;
    added_at: Generated<Date>;
  };
  dossier_actions: {
    dossier_id: string;
    seq: number;
    action: string;
    actor: string;
    actor_name: string;
    at: Timestamp;
    from_status: string | null;
    to_status: string;
    from_unit: string | null;
    to_unit: string | null;
    assignee: string | null;
    step_due: ColumnType<string | null, string | null, string | null>;
    data: Json;
  };
  dossier_counters: { unit_id: string; day: string; last: number };
  dossier_ratings: { dossier_id: string; scores: Json; comment: string | null; rated_at: Generated<Date> };
  /** migrations/0006_dossier_drafts.sql */
  dossier_drafts: {
    id: Generated<string>;
    owner_citizen_id: string;
    procedure_code: string;
    form: Json;
    components: Json;
    /** Contact details and delivery choice (migrations/0021-citizen-inbox.sql). */
    filing: ColumnType<unknown, string | null | undefined, string | null>;
    updated_at: Generated<Date>;
  };
}

declare module '../../platform/db/schema.ts' {
  // Merged into the one database type the platform's Kysely instance uses.
  interface DB extends DossierTables {}
}
