import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { forbidden } from '../../platform/errors.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { Staff, StaffInput, Unit, UnitInput } from './schemas.ts';
import { createUnit } from './create-unit.ts';
import { listUnits } from './list-units.ts';
import { createStaff } from './create-staff.ts';
import { listStaff } from './list-staff.ts';
import { SetRolesInput, setStaffRoles } from './set-staff-roles.ts';
import { SetActiveInput, setStaffActive } from './set-staff-active.ts';
import { ResetCredentialsInput, resetStaffCredentials } from './reset-staff-credentials.ts';
import { ChangePasswordInput, changeOwnPassword, passwordState } from './change-own-password.ts';

/** The API routes an official whose credentials were reset may still call (see passwordChangeGate). */
export const PASSWORD_CHANGE_API = ['GET /api/v1/account/password', 'POST /api/v1/account/password'] as const;

export const organisationModule: Module = {
  name: 'organisation',
  routes(app, ctx) {
    app.get('/api/v1/units', {
      config: { access: ['staff'] },
      schema: { tags: ['organisation'], summary: 'The agency tree as a flat list', response: { 200: z.array(Unit) } },
      handler: async () => listUnits(ctx),
    });
    app.post('/api/v1/units', {
      config: { access: ['administrator'] },
      schema: { tags: ['organisation'], summary: 'Add a unit', body: UnitInput, response: { 201: Unit, 400: ErrorBody, 409: ErrorBody } },
      handler: async (req, reply) => {
        await createUnit(ctx, req.body, actorOf(req.principal));
        reply.code(201);
        return { id: req.body.id, parentId: req.body.parentId, kind: req.body.kind, name: req.body.name, nameEn: req.body.nameEn ?? null };
      },
    });
    app.get('/api/v1/staff', {
      config: { access: ['administrator', 'auditor'] },
      schema: { tags: ['organisation'], summary: 'Officials and their roles', response: { 200: z.array(Staff) } },
      handler: async () => listStaff(ctx),
    });
    app.post('/api/v1/staff', {
      config: { access: ['administrator'] },
      schema: {
        tags: ['organisation'],
        summary: 'Create an official; signers and administrators get a TOTP secret, returned once',
        body: StaffInput,
        response: { 201: z.object({ id: z.string(), totpSecret: z.string().nullable() }), 400: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await createStaff(ctx, req.body, actorOf(req.principal));
        reply.code(201);
        return r;
      },
    });
    app.put('/api/v1/staff/:username/roles', {
      config: { access: ['administrator'] },
      schema: {
        tags: ['organisation'],
        summary: "Replace an official's roles",
        params: z.object({ username: z.string().max(64) }),
        body: SetRolesInput,
        response: { 200: z.object({ totpSecret: z.string().nullable() }), 404: ErrorBody },
      },
      handler: async (req) => setStaffRoles(ctx, req.params.username, req.body, actorOf(req.principal)),
    });
    app.put('/api/v1/staff/:username/active', {
      config: { access: ['administrator'] },
      schema: {
        tags: ['organisation'],
        summary: "Enable or disable an official's account (disabling ends their sessions)",
        params: z.object({ username: z.string().max(64) }),
        body: SetActiveInput,
        response: { 200: z.object({ username: z.string(), active: z.boolean() }), 404: ErrorBody },
      },
      handler: async (req) => {
        await setStaffActive(ctx, req.params.username, req.body.active, actorOf(req.principal));
        return { username: req.params.username, active: req.body.active };
      },
    });
    app.post('/api/v1/staff/:username/credentials/reset', {
      config: { access: ['administrator'] },
      schema: {
        tags: ['organisation'],
        summary: "Reset an official's password and/or TOTP: their sessions end and they must set a new password at the next sign-in",
        description:
          '`password`: `generate` (the temporary password is returned once), `set` (to `temporaryPassword`) or `keep`. `resetTotp` clears the TOTP secret; the official enrols a new one with the password change.',
        params: z.object({ username: z.string().max(64) }),
        body: ResetCredentialsInput,
        response: {
          200: z.object({
            username: z.string(),
            temporaryPassword: z.string().nullable(),
            passwordReset: z.boolean(),
            totpReset: z.boolean(),
            sessionsEnded: z.number().int(),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
      handler: async (req) => resetStaffCredentials(ctx, req.params.username, req.body, actorOf(req.principal)),
    });

    app.get('/api/v1/account/password', {
      config: { access: ['staff'] },
      schema: {
        tags: ['organisation'],
        summary: 'Whether the signed-in official must change their password, and the TOTP secret to enrol with the change when one is due',
        response: { 200: z.object({ mustChangePassword: z.boolean(), totpEnrolment: z.object({ secret: z.string(), uri: z.string() }).nullable() }) },
      },
      handler: async (req) => passwordState(ctx, staffOf(req.principal)),
    });
    app.post('/api/v1/account/password', {
      config: { access: ['staff'], limit: 'signIn' },
      schema: {
        tags: ['organisation'],
        summary: "Change the signed-in official's own password (the current one is required; `otp` from the pending TOTP secret when one is due)",
        body: ChangePasswordInput,
        response: { 200: z.object({ totpEnrolled: z.boolean(), signInAgain: z.boolean() }), 400: ErrorBody, 423: ErrorBody },
      },
      handler: async (req) => changeOwnPassword(ctx, staffOf(req.principal), req.body, { ip: req.ip, sessionId: req.session?.id }),
    });
  },
};

function staffOf(p: Principal | null): Extract<Principal, { kind: 'staff' }> {
  if (p?.kind !== 'staff') throw forbidden();
  return p;
}
