import { z } from 'zod';

/** Staff roles, scoped to a unit (BRIEF §1). Mirrored by the CHECK constraint on staff_roles. */
export const STAFF_ROLES = {
  receiving_officer: { vi: 'Cán bộ một cửa', en: 'Receiving officer' },
  specialist: { vi: 'Chuyên viên', en: 'Specialist' },
  unit_leader: { vi: 'Lãnh đạo đơn vị', en: 'Unit leader' },
  signing_leader: { vi: 'Lãnh đạo ký duyệt', en: 'Signing leader' },
  clerk: { vi: 'Văn thư', en: 'Clerk' },
  administrator: { vi: 'Quản trị hệ thống', en: 'Administrator' },
  auditor: { vi: 'Thanh tra, kiểm tra', en: 'Auditor' },
  finance_officer: { vi: 'Kế toán', en: 'Finance officer' },
} as const;
export type StaffRole = keyof typeof STAFF_ROLES;
export const StaffRoleSchema = z.enum(Object.keys(STAFF_ROLES) as [StaffRole, ...StaffRole[]]);
export const STAFF_ROLE_LIST = Object.keys(STAFF_ROLES) as StaffRole[];

/** Roles whose sign-in always needs a second factor. */
export const TOTP_REQUIRED_ROLES: readonly StaffRole[] = ['administrator', 'signing_leader'];

/** Scopes a service account can hold. */
export const SERVICE_SCOPES = {
  'dossiers:write': 'File dossiers on behalf of applicants (National Public Service Portal)',
  'dossiers:read': 'Read dossier status',
  'catalog:read': 'Read the procedure catalogue',
  'sharing:dossiers': 'Read the dossier status and results of a holder (another agency, under a data-sharing agreement, through the data-sharing platform)',
  'national-portal:push': 'Push dossiers filed on the National Public Service Portal (its inbound channel)',
  edxml: 'Deliver official documents and their statuses in EDXML to the inbox (the document-exchange system of another agency)',
} as const;
export type ServiceScope = keyof typeof SERVICE_SCOPES;

export type Principal =
  | {
      kind: 'staff';
      id: string;
      username: string;
      name: string;
      roles: { role: StaffRole; unitId: string }[] /** The second factor was checked at sign-in: roles that need one are dropped from sessions without it. */;
      mfa?: boolean /** An administrator reset the credentials: until a new password is set, only the change-password page and sign-out are open. */;
      mustChangePassword?: boolean /** A bearer token's issue time (seconds since the epoch). */;
      issuedAt?: number;
    }
  | { kind: 'citizen'; id: string; name: string; identifier: string | null; citizenKind: 'citizen' | 'business' }
  | { kind: 'service'; clientId: string; name: string; scopes: string[] };

/**
 * Who may call a route: a staff role, `citizen`, `staff` (any official), or `scope:<name>`
 * for service accounts. `public` routes need nobody.
 */
export type Grant = StaffRole | 'citizen' | 'staff' | `scope:${ServiceScope}`;
export type Access = 'public' | readonly Grant[];

export function allows(access: Access, p: Principal | null): boolean {
  if (access === 'public') return true;
  if (!p) return false;
  switch (p.kind) {
    case 'staff':
      return access.includes('staff') || p.roles.some((r) => access.includes(r.role));
    case 'citizen':
      return access.includes('citizen');
    case 'service':
      return p.scopes.some((s) => access.includes(`scope:${s}` as Grant));
  }
}

export function actorOf(p: Principal | null): string {
  if (!p) return 'anonymous';
  if (p.kind === 'staff') return `staff:${p.username}`;
  if (p.kind === 'citizen') return `citizen:${p.id}`;
  return `service:${p.clientId}`;
}
