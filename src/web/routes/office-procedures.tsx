import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { getProcedure, type ProcedureDetail } from '../../modules/catalog/get-procedure.ts';
import { eFormFieldsOf, previewEForm, saveProcedureVersion, WORKFLOW_ROLES } from '../../modules/catalog/save-procedure-version.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { sendFragment, sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  editUrl,
  EFormPreview,
  idOf,
  ProcedureEditPage,
  ProcedureVersionsPage,
  versionsUrl,
  type Draft,
  type PreviewView,
} from '../pages/office/procedure-edit.tsx';

const page = { hide: true } as const;
const Code = z.object({ code: z.string().max(60) });
const MAX_ROWS = 200;
const END_OF_TIME = new Date(8.64e15);

const num = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

/** The form's values for a version: what the editor starts from. */
function draftOf(p: ProcedureDetail, today: string): Draft {
  return {
    baseVersion: String(p.version),
    effectiveFrom: today,
    note: '',
    methods: p.methods.map((m) => ({
      channel: m.channel,
      // A same-day method's number means nothing to the person editing it.
      processingTime: m.processingTimeUnit === 'SAME_DAY' ? '' : num(m.processingTime),
      processingTimeUnit: m.processingTimeUnit,
      processingCutoff: m.processingCutoff ?? '',
      description: m.description ?? '',
      fees: m.fees.map((f) => ({
        type: f.type,
        value: num(f.value),
        description: f.description ?? '',
        code: f.code ?? '',
        dueAt: f.dueAt ?? 'request',
        dueAtStored: Boolean(f.dueAt),
        per: { field: f.per?.field ?? '', label: f.per?.label ?? '' },
        reductions: (f.reductions ?? []).map((r) => [r.category, r.label, String(r.percent), ...(r.labelEn ? [r.labelEn] : [])].join(' | ')).join('\n'),
      })),
    })),
    cases: (p.cases.length ? p.cases : [{ name: '', components: [] }]).map((c) => ({
      name: c.name,
      components: c.components.map((x) => ({
        code: x.code ?? '',
        name: x.name,
        originalQty: num(x.originalQty),
        copyQty: num(x.copyQty),
        required: x.required,
        hasElectronicForm: x.hasElectronicForm,
      })),
    })),
    workflow: p.workflow.map((s) => ({ step: s.step, name: s.name, nameEn: s.nameEn ?? '', role: s.role, unit: s.unit, workingDays: num(s.workingDays) })),
    eFormFields: eFormFieldsOf(p.eForm).map((f) => ({
      key: f.key,
      label: f.label,
      labelEn: f.labelEn ?? '',
      type: f.type,
      required: f.required,
      choices: (f.choices ?? []).map((c) => (c.value === c.label ? c.value : `${c.value} | ${c.label}`)).join('\n'),
      pattern: f.pattern ?? '',
    })),
  };
}

/** The posted form back into a draft: rows are read while their first input is there. */
function readDraft(body: Record<string, unknown>): Draft {
  const s = (k: string) => {
    const v = body[k];
    return (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '').replace(/\r\n?/g, '\n');
  };
  const has = (k: string) => k in body;
  const rows = <T,>(prefix: string, marker: string, read: (n: string, i: number) => T): T[] => {
    const out: T[] = [];
    for (let i = 0; i < MAX_ROWS && has(`${prefix}.${i}.${marker}`); i++) out.push(read(`${prefix}.${i}`, i));
    return out;
  };
  return {
    baseVersion: s('baseVersion'),
    effectiveFrom: s('effectiveFrom'),
    note: s('note'),
    methods: rows('methods', 'channel', (n) => ({
      channel: s(`${n}.channel`),
      processingTime: s(`${n}.processingTime`),
      processingTimeUnit: s(`${n}.processingTimeUnit`),
      processingCutoff: s(`${n}.processingCutoff`).trim(),
      description: s(`${n}.description`),
      fees: rows(`${n}.fees`, 'value', (f) => ({
        type: s(`${f}.type`),
        value: s(`${f}.value`),
        description: s(`${f}.description`),
        code: s(`${f}.code`).trim(),
        dueAt: s(`${f}.dueAt`),
        dueAtStored: s(`${f}.dueAtStored`) === '1',
        per: { field: s(`${f}.per.field`).trim(), label: s(`${f}.per.label`).trim() },
        reductions: s(`${f}.reductions`),
      })),
    })),
    cases: rows('cases', 'name', (n) => ({
      name: s(`${n}.name`),
      components: rows(`${n}.components`, 'name', (c) => ({
        code: s(`${c}.code`),
        name: s(`${c}.name`),
        originalQty: s(`${c}.originalQty`),
        copyQty: s(`${c}.copyQty`),
        required: has(`${c}.required`),
        hasElectronicForm: has(`${c}.hasElectronicForm`),
      })),
    })),
    workflow: rows('workflow', 'name', (n) => ({
      step: s(`${n}.step`),
      name: s(`${n}.name`),
      nameEn: s(`${n}.nameEn`),
      role: s(`${n}.role`),
      unit: s(`${n}.unit`),
      workingDays: s(`${n}.workingDays`),
    })),
    eFormFields: rows('eFormFields', 'key', (n) => ({
      key: s(`${n}.key`).trim(),
      label: s(`${n}.label`),
      labelEn: s(`${n}.labelEn`),
      type: s(`${n}.type`),
      required: has(`${n}.required`),
      choices: s(`${n}.choices`),
      pattern: s(`${n}.pattern`),
    })),
  };
}

/** A number as typed: "0,5" is a half; a fee's "150.000" is a hundred and fifty thousand đồng. Anything else stays text for the schema to name. */
const decimal = (v: string) => (/^\s*-?\d+([.,]\d+)?\s*$/.test(v) ? Number(v.trim().replace(',', '.')) : v);
const whole = (v: string) => (/^\s*-?(\d{1,3}([.,\s]\d{3})*|\d+)\s*$/.test(v) ? Number(v.replace(/[.,\s]/g, '')) : v);

const choicesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [value, ...rest] = l.split('|');
      const label = rest.join('|').trim();
      return { value: value.trim(), label: label || value.trim() };
    });

const fieldsInput = (d: Draft) =>
  d.eFormFields.map((f) => ({
    key: f.key,
    label: f.label,
    labelEn: f.labelEn || null,
    type: f.type,
    required: f.required,
    choices: choicesOf(f.choices),
    pattern: f.pattern,
  }));

/**
 * A fee's reductions as typed, one category a line (`mã | tên đối tượng | phần trăm`, an English
 * name after a fourth `|`), and what is wrong with each line, naming it: the schema would name
 * only an index into a list the officer never saw.
 */
export function reductionsOf(text: string): {
  reductions: { category: string; label: string; labelEn?: string; percent: number }[] | null;
  problems: { line: number; vi: string; en: string }[];
} {
  const reductions: { category: string; label: string; labelEn?: string; percent: number }[] = [];
  const problems: { line: number; vi: string; en: string }[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    const parts = raw.split('|').map((x) => x.trim());
    if (parts.length < 3 || parts.length > 4)
      return void problems.push({
        line,
        vi: 'cần 3 phần ngăn bởi dấu |: mã | tên đối tượng | phần trăm',
        en: 'needs 3 parts separated by |: code | name | percent',
      });
    const [category, label, percent, labelEn] = parts;
    if (!/^[a-z0-9_-]{1,40}$/.test(category))
      return void problems.push({ line, vi: 'mã đối tượng gồm chữ thường không dấu, số, - và _', en: 'the code is lower-case letters, digits, - and _' });
    if (seen.has(category)) return void problems.push({ line, vi: `mã ${category} đã có ở dòng trước`, en: `${category} is already on an earlier line` });
    seen.add(category);
    if (!label) return void problems.push({ line, vi: 'cần tên đối tượng', en: 'the name is missing' });
    const pct = percent.replace(/\s*%$/, '');
    if (!/^\d{1,3}$/.test(pct) || Number(pct) < 1 || Number(pct) > 100)
      return void problems.push({ line, vi: 'phần trăm giảm là số nguyên từ 1 đến 100', en: 'the percent is a whole number from 1 to 100' });
    reductions.push({ category, label, ...(labelEn ? { labelEn } : {}), percent: Number(pct) });
  });
  if (reductions.length > 20) problems.push({ line: 21, vi: 'tối đa 20 đối tượng', en: 'at most 20 categories' });
  return { reductions: reductions.length ? reductions : null, problems };
}

/** The fee rows' own checks, before saving: reduction lines, and a per-unit fee's field and unit. */
function feeProblems(d: Draft): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const keys = new Set(d.eFormFields.map((f) => f.key).filter(Boolean));
  d.methods.forEach((m, mi) =>
    m.fees.forEach((f, fi) => {
      const at = `methods.${mi}.fees.${fi}`;
      for (const x of reductionsOf(f.reductions).problems)
        out.push({ path: `${at}.reductions`, message: `Dòng ${x.line}: ${x.vi}`, messageEn: `Line ${x.line}: ${x.en}` });
      if (f.per.label && !f.per.field)
        out.push({ path: `${at}.per.field`, message: 'Chọn trường nhập số lượng', messageEn: 'Choose the field that holds the quantity' });
      if (f.per.field && !f.per.label) out.push({ path: `${at}.per.label`, message: 'Cần nhập đơn vị tính', messageEn: 'Enter the unit' });
      // A nested key (a.b) is the schema's business; a top-level one must be a field of the form being saved.
      if (f.per.field && !f.per.field.includes('.') && !keys.has(f.per.field))
        out.push({ path: `${at}.per.field`, message: `Biểu mẫu không có trường ${f.per.field}`, messageEn: `The e-form has no field ${f.per.field}` });
    }),
  );
  return out;
}

/** The draft as the API's body: the page saves through the same operation and checks. */
function inputOf(d: Draft) {
  return {
    baseVersion: /^\d+$/.test(d.baseVersion) ? Number(d.baseVersion) : undefined,
    effectiveFrom: d.effectiveFrom.trim(),
    note: d.note.trim() || null,
    methods: d.methods.map((m) => ({
      channel: m.channel,
      // Empty for a same-day method: the operation keeps what the version had.
      processingTime: m.processingTimeUnit === 'SAME_DAY' && !m.processingTime.trim() ? undefined : decimal(m.processingTime),
      processingTimeUnit: m.processingTimeUnit,
      // The cut-off input stays on the page whatever the unit; it counts for same-day methods only.
      processingCutoff: m.processingTimeUnit === 'SAME_DAY' ? m.processingCutoff : null,
      description: m.description,
      fees: m.fees.map((f) => ({
        type: f.type,
        value: whole(f.value),
        description: f.description,
        code: f.code || null,
        // "On request" is what an unspelled due time means: spelled only when the version spelled it, so an unchanged form saves nothing new.
        dueAt: f.dueAt === 'request' && !f.dueAtStored ? null : f.dueAt || null,
        per: f.per.field || f.per.label ? f.per : null,
        reductions: reductionsOf(f.reductions).reductions,
      })),
    })),
    cases: d.cases.map((c) => ({
      name: c.name,
      components: c.components.map((x) => ({
        code: x.code || null,
        name: x.name,
        originalQty: whole(x.originalQty || '0'),
        copyQty: whole(x.copyQty || '0'),
        required: x.required,
        hasElectronicForm: x.hasElectronicForm,
      })),
    })),
    workflow: d.workflow.map((s) => ({
      ...(s.step ? { step: s.step } : {}),
      name: s.name,
      nameEn: s.nameEn,
      role: s.role,
      unit: s.unit,
      workingDays: decimal(s.workingDays),
    })),
    eFormFields: fieldsInput(d),
  };
}

const EMPTY_ROWS = {
  components: () => ({ code: '', name: '', originalQty: '1', copyQty: '0', required: false, hasElectronicForm: false }),
  fees: () => ({
    type: 'FEE',
    value: '',
    description: '',
    code: '',
    dueAt: 'request',
    dueAtStored: false,
    per: { field: '', label: '' },
    reductions: '',
  }),
  workflow: () => ({ step: '', name: '', nameEn: '', role: 'specialist', unit: '', workingDays: '1' }),
  eFormFields: () => ({ key: '', label: '', labelEn: '', type: 'text', required: false, choices: '', pattern: '' }),
};

/** Applies a row operation (`add:workflow`, `remove:methods.0.fees.1`, `up:workflow.2`) to the draft; false if it names no row. */
function applyOp(d: Draft, op: string): boolean {
  const m = /^(add|remove|up|down):([A-Za-z]+(?:\.\d+\.[A-Za-z]+)*)(?:\.(\d+))?$/.exec(op);
  if (!m) return false;
  const [, verb, path, index] = m;
  let list: unknown = d;
  for (const seg of path.split('.')) list = (list as Record<string, unknown> | undefined)?.[seg];
  if (!Array.isArray(list)) return false;
  const kind = path.split('.').pop() as keyof typeof EMPTY_ROWS;
  if (verb === 'add') {
    if (!(kind in EMPTY_ROWS) || index !== undefined || list.length >= MAX_ROWS) return false;
    list.push(EMPTY_ROWS[kind]());
    return true;
  }
  const i = Number(index);
  if (index === undefined || i >= list.length) return false;
  if (verb === 'remove') list.splice(i, 1);
  else {
    const j = verb === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= list.length) return false;
    [list[i], list[j]] = [list[j], list[i]];
  }
  return true;
}

/** An error's JSON path as the id of the input that shows it: the nearest one the form has. */
function inputIdFor(path: string, d: Draft): string | null {
  const dotted = path.replace(/\[(\d+)\]/g, '.$1');
  const segs = dotted.split('.');
  const exists = (name: string) => {
    let v: unknown = d;
    for (const seg of name.split('.')) v = (v as Record<string, unknown> | undefined)?.[seg];
    return v !== undefined;
  };
  for (let n = segs.length; n > 0; n--) {
    const name = segs.slice(0, n).join('.');
    if (exists(name)) {
      // A row object has no input of its own: point at its first one.
      const first = { workflow: 'name', eFormFields: 'key', methods: 'processingTime', fees: 'value', components: 'name' }[segs[n - 2] ?? ''];
      if (/^\d+$/.test(segs[n - 1]) && first) return idOf(`${name}.${first}`);
      return idOf(name === 'eForm' ? 'eFormFields' : name);
    }
  }
  return path.startsWith('eForm') ? 'eFormFields' : null;
}

function errorsOf(req: FastifyRequest, code: string, e: AppError | { details: ErrorDetail[] }, d: Draft) {
  const errors: Record<string, string> = {};
  const summary: { href?: string; text: string }[] = [];
  const details = e.details ?? [];
  if (e instanceof AppError && !details.length) summary.push({ text: t(req, e.text.vi, e.text.en) });
  for (const raw of details) {
    // A reduction refused by the schema names its index: shown on the textarea, naming the line.
    const red = /^(methods\.\d+\.fees\.\d+\.reductions)[.[](\d+)/.exec(raw.path.replace(/\[(\d+)\]/g, '.$1'));
    const x = red
      ? { ...raw, path: red[1], message: `Dòng ${Number(red[2]) + 1}: ${raw.message}`, messageEn: `Line ${Number(red[2]) + 1}: ${raw.messageEn}` }
      : raw;
    if (e instanceof AppError && e.code === 'STALE_BASE_VERSION' && x.path === 'baseVersion') {
      // Another version was saved meanwhile: the way out is to open the editor on it.
      summary.push({ href: editUrl(code), text: t(req, e.text.vi, e.text.en) });
      continue;
    }
    const id = inputIdFor(x.path, d);
    const text = t(req, x.message, x.messageEn);
    if (id && !errors[id]) errors[id] = text;
    summary.push({ href: id ? `#${id}` : undefined, text: id ? `${label(req, x.path)}: ${text}` : text });
  }
  return { errors, summary };
}

/** How a person names the field of a path: "Bước 2 — Vai trò thực hiện". */
function label(req: FastifyRequest, path: string): string {
  const p = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const n = (i: number) => Number(p[i]) + 1;
  const FIELDS: Record<string, [string, string]> = {
    name: ['Tên', 'Name'],
    nameEn: ['Tên tiếng Anh', 'English name'],
    role: ['Vai trò', 'Role'],
    unit: ['Đơn vị', 'Unit'],
    workingDays: ['Thời gian', 'Time'],
    step: ['Mã bước', 'Step key'],
    processingTime: ['Thời hạn giải quyết', 'Processing time'],
    processingTimeUnit: ['Tính theo', 'Counted in'],
    processingCutoff: ['Giờ chốt nhận hồ sơ', 'Cut-off time'],
    value: ['Mức thu', 'Amount'],
    type: ['Loại', 'Kind'],
    description: ['Ghi chú', 'Note'],
    originalQty: ['Số bản chính', 'Originals'],
    copyQty: ['Số bản sao', 'Copies'],
    code: ['Mã', 'Code'],
    key: ['Mã trường', 'Field key'],
    label: ['Nhãn tiếng Việt', 'Vietnamese label'],
    labelEn: ['Nhãn tiếng Anh', 'English label'],
    choices: ['Lựa chọn', 'Choices'],
    pattern: ['Mẫu kiểm tra', 'Pattern'],
    channel: ['Kênh', 'Channel'],
    dueAt: ['Thời điểm thu', 'When it is collected'],
    per: ['Thu theo số lượng', 'Per unit'],
    reductions: ['Miễn, giảm', 'Reductions'],
  };
  const field = (i: number) => (FIELDS[p[i]] ? t(req, ...FIELDS[p[i]]) : null);
  const tail = (i: number) => (field(i) ? ` — ${field(i)}` : '');
  switch (p[0]) {
    case 'effectiveFrom':
      return t(req, 'Ngày có hiệu lực', 'Effective date');
    case 'workflow':
      return p.length > 1 ? `${t(req, `Bước ${n(1)}`, `Step ${n(1)}`)}${tail(2)}` : t(req, 'Quy trình xử lý', 'Workflow');
    case 'eFormFields':
    case 'eForm':
      return p.length > 1 && /^\d+$/.test(p[1]) ? `${t(req, `Trường ${n(1)}`, `Field ${n(1)}`)}${tail(2)}` : t(req, 'Biểu mẫu điện tử', 'E-form');
    case 'methods':
      return p[2] === 'fees' ? `${t(req, `Khoản phí ${n(3)}`, `Fee ${n(3)}`)}${tail(4)}` : `${t(req, 'Thời hạn giải quyết', 'Processing time')}${tail(2)}`;
    case 'cases':
      return `${t(req, `Thành phần ${n(3)}`, `Document ${n(3)}`)}${tail(4)}`;
    default:
      return t(req, 'Biểu mẫu', 'Form');
  }
}

async function preview(ctx: Ctx, req: FastifyRequest, code: string, d: Draft): Promise<PreviewView> {
  const r = await previewEForm(ctx, code, fieldsInput(d));
  return { schema: r.details.length ? null : r.schema, problems: errorsOf(req, code, { details: r.details }, d).summary };
}

export const officeProceduresModule: Module = {
  name: 'office-procedures',
  routes(app, ctx) {
    /** The newest version (open-ended, perhaps scheduled for later): the one an edit starts from. */
    const newest = (code: string) => getProcedure(ctx, code, { at: END_OF_TIME });

    const render = async (
      req: FastifyRequest,
      reply: FastifyReply,
      proc: ProcedureDetail,
      draft: Draft,
      extra: { errors?: Record<string, string>; summary?: { href?: string; text: string }[] } = {},
      status = 200,
    ) => {
      const units = await listUnits(ctx);
      return sendPage(
        reply,
        <ProcedureEditPage
          req={req}
          proc={proc}
          draft={draft}
          units={units}
          roles={WORKFLOW_ROLES}
          today={vietnamDay(new Date())}
          errors={extra.errors ?? {}}
          summary={extra.summary ?? []}
          preview={await preview(ctx, req, proc.code, draft)}
        />,
        status,
      );
    };

    app.get(
      '/can-bo/thu-tuc/:code/phien-ban',
      {
        config: { access: ['staff'] },
        schema: { ...page, params: Code, querystring: z.object({ luu: z.coerce.number().int().min(1).optional(), 'khong-doi': z.string().max(1).optional() }) },
      },
      async (req, reply) => {
        const proc = await newest(req.params.code);
        const canEdit = req.principal?.kind === 'staff' && req.principal.roles.some((r) => r.role === 'administrator');
        return sendPage(
          reply,
          <ProcedureVersionsPage req={req} proc={proc} canEdit={canEdit} saved={req.query.luu} unchanged={req.query['khong-doi'] === '1'} />,
        );
      },
    );

    app.get('/can-bo/thu-tuc/:code/sua', { config: { access: ['administrator'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const proc = await newest(req.params.code);
      return render(req, reply, proc, draftOf(proc, vietnamDay(new Date())));
    });

    app.post('/can-bo/thu-tuc/:code/sua', { config: { access: ['administrator'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const draft = readDraft(body);
      const op = typeof body.op === 'string' ? body.op : 'save';
      const proc = await newest(req.params.code);
      if (op !== 'save') {
        // Rows added, removed or moved, or the preview asked for: the form comes back, nothing is saved.
        applyOp(draft, op);
        return render(req, reply, proc, draft);
      }
      const feeErrors = feeProblems(draft);
      if (feeErrors.length) return render(req, reply, proc, draft, errorsOf(req, proc.code, { details: feeErrors }, draft), 400);
      try {
        const r = await saveProcedureVersion(ctx, proc.code, inputOf(draft), actorOf(req.principal));
        return reply.redirect(r.status === 'new-version' ? `${versionsUrl(proc.code)}?luu=${r.version}` : `${versionsUrl(proc.code)}?khong-doi=1`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'NOT_FOUND') throw e;
        return render(req, reply, proc, draft, errorsOf(req, proc.code, e, draft), e.status);
      }
    });

    app.post('/can-bo/thu-tuc/:code/xem-truoc', { config: { access: ['administrator'] }, schema: { ...page, params: Code } }, async (req, reply) => {
      const draft = readDraft((req.body ?? {}) as Record<string, unknown>);
      return sendFragment(reply, <EFormPreview req={req} preview={await preview(ctx, req, req.params.code, draft)} />);
    });
  },
};
