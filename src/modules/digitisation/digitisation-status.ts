import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { fromZod, validationError } from '../../platform/http/validation.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { listDossierResults } from '../results/list-dossier-results.ts';
import { CONFIRMING_ROLES, ExemptInput, type DigitisationStatusView } from './schemas-items.ts';
import { componentNames } from './metadata-fields.ts';

/** Channels whose components arrive on paper: at the counter (1) and by post (3). Online filings (2) are born digital. */
export const PAPER_CHANNELS: ReadonlySet<number> = new Set([1, 3]);

/** How a dossier's components are named in digitisation: the procedure's component code, or the component's name when it has none. */
const componentKey = (c: { code: string | null; name: string }) => c.code ?? c.name;

/**
 * Whether a dossier is digitised (Circular 01/2023; issue 13): each paper component `digitised`
 * (a confirmed digitised item), `pending` (not scanned, or scanned but not confirmed) or
 * `not_required` (marked so, with the reason); components of an online filing are `electronic`.
 * The result counts as digitised when it was issued electronically (a valid result in the
 * results register) or a scan of it was confirmed.
 *
 * For a principal who sees the dossier (others get its 404). Called inside a transaction (the
 * workflow's receipt gate, the national sync event), pass the context from `inTransaction`:
 * it reads the dossier and its results through it.
 */
export async function digitisationStatus(ctx: Ctx, dossierCode: string, p: Principal): Promise<DigitisationStatusView> {
  const dossier = await getDossier(ctx, dossierCode, p);
  const paper = PAPER_CHANNELS.has(dossier.channel);
  const db = ctx.database.db;
  const [names, items, exemptions, results] = await Promise.all([
    componentNames(ctx, dossier.procedureCode, dossier.procedureVersion),
    db
      .selectFrom('digitised_items')
      .select(['code', 'kind', 'component_code', 'confirmed_at'])
      .where('dossier_code', '=', dossier.code)
      .orderBy('created_at')
      .execute(),
    db.selectFrom('digitisation_exemptions').select(['component_code', 'reason']).where('dossier_code', '=', dossier.code).execute(),
    listDossierResults(ctx, dossier.code, p),
  ]);
  const seen = new Set<string>();
  const components: DigitisationStatusView['components'] = [];
  for (const c of dossier.components) {
    const key = componentKey(c);
    if (seen.has(key)) continue; // a supplemented component is one component with several files
    seen.add(key);
    const name = (c.code && names.get(c.code)) || c.name;
    if (!paper) {
      components.push({ code: key, name, state: 'electronic', itemCode: null, reason: null });
      continue;
    }
    const mine = items.filter((i) => i.kind === 'component' && (i.component_code === key || i.component_code === c.name));
    const confirmed = mine.find((i) => i.confirmed_at !== null);
    const exempt = exemptions.find((e) => e.component_code === key);
    if (confirmed) components.push({ code: key, name, state: 'digitised', itemCode: confirmed.code, reason: null });
    else if (exempt) components.push({ code: key, name, state: 'not_required', itemCode: null, reason: exempt.reason });
    else components.push({ code: key, name, state: 'pending', itemCode: mine[0]?.code ?? null, reason: null });
  }
  const resultItems = items.filter((i) => i.kind === 'result');
  const result: DigitisationStatusView['result'] = results.some((r) => r.status === 'valid')
    ? 'electronic'
    : resultItems.some((i) => i.confirmed_at !== null)
      ? 'digitised'
      : resultItems.length
        ? 'pending'
        : 'none';
  const componentsDigitised = components.every((c) => c.state !== 'pending');
  const resultDigitised = result === 'electronic' || result === 'digitised';
  const componentsDone = componentsDigitised && components.length > 0;
  return {
    dossierCode: dossier.code,
    paper,
    components,
    componentsDigitised,
    result,
    resultDigitised,
    digitised: componentsDone && resultDigitised ? 'both' : componentsDone ? 'components' : resultDigitised ? 'result' : 'none',
    hasDigitisedComponents: components.some((c) => c.state === 'digitised'),
  };
}

/**
 * The receipt gate (issue 13): a dossier received at the counter or by post may not move past
 * receipt while a paper component is neither digitised nor marked not required. Throws 409
 * DIGITISATION_INCOMPLETE naming each such component (`details`: path `components[code=…]`).
 */
export async function assertComponentsDigitised(ctx: Ctx, dossierCode: string, p: Principal): Promise<DigitisationStatusView> {
  const status = await digitisationStatus(ctx, dossierCode, p);
  const pending = status.components.filter((c) => c.state === 'pending');
  if (status.paper && pending.length)
    throw new AppError(
      'DIGITISATION_INCOMPLETE',
      {
        vi: `Hồ sơ ${status.dossierCode} còn ${pending.length} thành phần giấy chưa được số hóa (quét và xác nhận) hoặc đánh dấu không cần số hóa: ${pending.map((c) => c.name).join('; ')}`,
        en: `Dossier ${status.dossierCode} has ${pending.length} paper component(s) not yet digitised (scanned and confirmed) or marked not required: ${pending.map((c) => c.code).join('; ')}`,
      },
      pending.map((c) => ({
        path: `components[code=${c.code}]`,
        message: `Chưa số hóa: ${c.name}`,
        messageEn: `Not digitised: ${c.code}`,
      })),
    );
  return status;
}

/**
 * Marks a paper component of a dossier "not required" to digitise, with the reason (an original
 * only shown and handed back, a document the office already holds): the dossier may then pass
 * receipt without its scan. Marking it again replaces the reason. For receiving officers and
 * clerks who see the dossier.
 */
export async function exemptComponent(ctx: Ctx, p: Principal, dossierCode: string, componentCode: string, reason: string): Promise<DigitisationStatusView> {
  const input = ExemptInput.safeParse({ componentCode, reason });
  if (!input.success) throw fromZod(input.error, 'body');
  const dossier = await getDossier(ctx, dossierCode, p);
  if (p.kind !== 'staff' || !p.roles.some((r) => (CONFIRMING_ROLES as readonly string[]).includes(r.role))) throw forbidden();
  if (!PAPER_CHANNELS.has(dossier.channel))
    throw new AppError('CONFLICT', {
      vi: `Hồ sơ ${dossier.code} nộp trực tuyến: các thành phần đã là bản điện tử, không cần đánh dấu`,
      en: `Dossier ${dossier.code} was filed online: its components are electronic already`,
    });
  const component = dossier.components.find((c) => componentKey(c) === input.data.componentCode);
  if (!component)
    throw validationError([
      {
        path: 'body.componentCode',
        message: `Thành phần hồ sơ: hồ sơ ${dossier.code} không có thành phần ${input.data.componentCode.slice(0, 100)}`,
        messageEn: `Component: dossier ${dossier.code} has no component ${input.data.componentCode.slice(0, 100)}`,
      },
    ]);
  const actor = actorOf(p);
  await ctx.database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('digitisation_exemptions')
      .values({ dossier_code: dossier.code, component_code: componentKey(component), reason: input.data.reason, exempted_by: actor })
      .onConflict((oc) =>
        oc.columns(['dossier_code', 'component_code']).doUpdateSet({ reason: input.data.reason, exempted_by: actor, exempted_at: new Date() }),
      )
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'digitisation.component.exempt',
      target: `dossier:${dossier.code}`,
      data: { component: componentKey(component), reason: input.data.reason },
    });
  });
  return digitisationStatus(ctx, dossier.code, p);
}
