import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError, type Bilingual } from '../../platform/errors.ts';
import { audit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { gatewayFor, GatewayUnavailable } from '../../platform/gateway/index.ts';
import { defineOutboxAdapter } from '../../platform/outbox/index.ts';
import { type Business, businessOf, LOOKUP_PATH, LOOKUP_TIMEOUT_MS, normaliseTaxCode, REGISTRY_ADAPTER, STATUS_LABELS } from './contract.ts';
import type {} from './tables.ts';

/** How long an answer is kept: a found business a day, an unknown code an hour (it may be registered today). */
export const CACHE_HOURS = { found: 24, unknown: 1 };

export const BusinessView = z.object({
  taxCode: z.string().describe('The enterprise code (tax code): 10 digits, or a branch NNNNNNNNNN-NNN'),
  name: z.string(),
  address: z.string().describe('The registered head office'),
  representative: z.string().describe('The legal representative'),
  registrationDate: z.string().describe('First registration, YYYY-MM-DD'),
  status: z.enum(['active', 'suspended', 'ceased']),
  statusLabel: z.object({ vi: z.string(), en: z.string() }),
  /** Said plainly when the business is not active, for pages and clients alike. */
  notice: z
    .object({ vi: z.string(), en: z.string() })
    .nullable()
    .describe('Why the business should not be taken as trading (suspended, ceased); null when active'),
  fetchedAt: z.string().describe('When the registry gave this answer (kept a day)'),
});
export type BusinessView = z.infer<typeof BusinessView>;

// The registry appears on the operations page with its calls (it sends nothing through the outbox).
defineOutboxAdapter({ name: REGISTRY_ADAPTER, label: { vi: 'Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp', en: 'National business registry' } });

export function noticeOf(b: Pick<Business, 'status' | 'name'>): Bilingual | null {
  if (b.status === 'ceased')
    return {
      vi: `${b.name} đã chấm dứt hoạt động theo Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp: không thể nhân danh doanh nghiệp này làm thủ tục mới`,
      en: `${b.name} has ceased trading according to the national business registry: no new procedure can be filed in its name`,
    };
  if (b.status === 'suspended')
    return {
      vi: `${b.name} đang tạm ngừng kinh doanh theo Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp`,
      en: `${b.name} has suspended trading according to the national business registry`,
    };
  return null;
}

const view = (b: Business, fetchedAt: Date): BusinessView => ({
  ...b,
  statusLabel: STATUS_LABELS[b.status],
  notice: noticeOf(b),
  fetchedAt: fetchedAt.toISOString(),
});

/**
 * A business by its tax code, from the national business registry through the data-sharing
 * gateway (issue 16 item 4), for a signed-in citizen or official filling a form. The answer is
 * kept a day in the database (every node reads it; an unknown code an hour), and every lookup
 * is audited: who asked for which business, found or not, from the registry or the copy kept.
 * A code the registry does not know is a 404 said plainly; a ceased or suspended business is
 * answered, with its status and a notice.
 */
export async function lookUpBusiness(ctx: Ctx, principal: Principal, rawTaxCode: string): Promise<BusinessView> {
  const n = normaliseTaxCode(rawTaxCode);
  if (!n.ok) throw new AppError('VALIDATION_FAILED', n.problem, [{ path: 'taxCode', message: n.problem.vi, messageEn: n.problem.en }]);
  const code = n.code;
  const db = ctx.database.db;
  const record = (data: Record<string, unknown>) =>
    audit(db, { actor: actorOf(principal), action: 'business_registry.lookup', target: `business:${code}`, data });

  const kept = await db
    .selectFrom('business_registry_cache')
    .select(['business', 'fetched_at'])
    .where('tax_code', '=', code)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  let business: Business | null;
  let fetchedAt: Date;
  if (kept) {
    business = kept.business as Business | null;
    fetchedAt = kept.fetched_at;
  } else {
    try {
      business = await ask(ctx, code);
    } catch (e) {
      if (e instanceof AppError && e.code === 'GATEWAY_UNAVAILABLE') await record({ found: null, error: (e as GatewayUnavailable).reason ?? e.text.en });
      throw e;
    }
    fetchedAt = new Date();
    const expires = new Date(fetchedAt.getTime() + (business ? CACHE_HOURS.found : CACHE_HOURS.unknown) * 3_600_000);
    const json = business ? JSON.stringify(business) : null;
    await db
      .insertInto('business_registry_cache')
      .values({ tax_code: code, business: json, fetched_at: fetchedAt, expires_at: expires })
      .onConflict((oc) => oc.column('tax_code').doUpdateSet({ business: json, fetched_at: fetchedAt, expires_at: expires }))
      .execute();
    // Expired copies are dropped a few at a time by the lookups that write, so the table stays the size of a day's lookups.
    await sql`delete from business_registry_cache where tax_code in (
      select tax_code from business_registry_cache where expires_at < now() - interval '1 day' limit 100)`.execute(db);
  }
  await record({ found: business !== null, status: business?.status ?? null, cached: Boolean(kept) });
  if (!business)
    throw new AppError('NOT_FOUND', {
      vi: `Không có doanh nghiệp nào mang mã số thuế ${code} trong Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp; hãy kiểm tra lại mã số`,
      en: `No business with the tax code ${code} is in the national business registry; check the code`,
    });
  return view(business, fetchedAt);
}

/** One question to the registry: the business, null when it knows none, or GATEWAY_UNAVAILABLE. */
async function ask(ctx: Ctx, code: string): Promise<Business | null> {
  const gateway = gatewayFor(ctx);
  if (!gateway)
    throw new AppError('GATEWAY_UNAVAILABLE', {
      vi: 'Hệ thống chưa được kết nối với Nền tảng chia sẻ dữ liệu, nên chưa tra cứu được doanh nghiệp; hãy nhập thông tin doanh nghiệp',
      en: 'The system is not connected to the data-sharing platform, so businesses cannot be looked up; enter the business details',
    });
  const res = await gateway.call({ service: REGISTRY_ADAPTER, method: 'GET', path: LOOKUP_PATH(code), timeoutMs: LOOKUP_TIMEOUT_MS });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new GatewayUnavailable(REGISTRY_ADAPTER, `the registry refused the lookup (HTTP ${res.status})`);
  const b = businessOf(res.body);
  // An answer for another code, or without a field we show, is the registry's fault, not the applicant's.
  if (!b || b.taxCode !== code) throw new GatewayUnavailable(REGISTRY_ADAPTER, 'the registry answered with a malformed record');
  return b;
}
