import { z } from 'zod';
import { StaffRoleSchema } from '../../platform/auth/roles.ts';
import { bi } from '../../platform/http/validation.ts';

/** Electronic identifier codes of agencies (Decision 20/2020/QĐ-TTg), e.g. 000.00.00.G12, G12.01, H15.50.05.13. */
export const UnitId = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    /^[A-Z0-9]{1,5}(\.[A-Z0-9]{1,5}){0,5}$/,
    bi('Phải là mã định danh điện tử, ví dụ 000.00.00.G12', 'must be an electronic identifier code such as 000.00.00.G12'),
  );

export const UnitInput = z.object({
  id: UnitId,
  parentId: UnitId.nullable().default(null),
  kind: z.enum(['ministry', 'department', 'unit']),
  name: z.string().trim().min(2).max(300),
  nameEn: z.string().trim().max(300).nullish(),
});
export type UnitInput = z.infer<typeof UnitInput>;

export const Unit = z.object({ id: z.string(), parentId: z.string().nullable(), kind: z.string(), name: z.string(), nameEn: z.string().nullable() });
export type Unit = z.infer<typeof Unit>;

export const RoleAssignment = z.object({ role: StaffRoleSchema, unitId: UnitId });

export const StaffInput = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9._-]{1,63}$/,
      bi('Chỉ gồm chữ thường không dấu, số, dấu chấm, gạch; 2–64 ký tự', 'lower-case letters, digits, dot, dash, underscore; 2–64 characters'),
    ),
  fullName: z.string().trim().min(2).max(200),
  email: z.email().nullish(),
  password: z.string().min(10).max(200),
  roles: z.array(RoleAssignment).min(1).max(50),
});
export type StaffInput = z.infer<typeof StaffInput>;

export const Staff = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
  totpEnabled: z.boolean(),
  roles: z.array(z.object({ role: z.string(), unitId: z.string() })),
});
export type Staff = z.infer<typeof Staff>;
