import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { bi, validationError, zodDetails } from '../../platform/http/validation.ts';
import { getProcedure, type ProcedureDetail } from '../catalog/get-procedure.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { fileDossier } from '../dossiers/file-dossier.ts';
import { findNationalDossier } from '../dossiers/find-national-dossier.ts';
import { validateEForm } from '../dossiers/eform.ts';
import { INBOUND_APPLICANT_KIND, LOAI_DINH_DANH, KENH_THUC_HIEN, type InboundAnswer, type InboundDossierField } from './contract.ts';

const text = (max: number) => z.string().trim().max(max);
const flag = z.enum(['0', '1']);

/** One file of TaiLieuNop (contract.ts ATTACHMENT_FIELDS): where the portal keeps it, fetched when the dossier arrives. */
const InboundFile = z.looseObject({
  TepDinhKemId: text(100).optional(),
  TenTepDinhKem: z.string().trim().min(1).max(255),
  MaThanhPhanHoSo: text(100).optional(),
  DuongDanTaiTepTin: z
    .string()
    .trim()
    .max(2000)
    .regex(/^https?:\/\/[^\s]+$/, bi('Phải là địa chỉ http(s) của tệp trên Cổng', 'must be the http(s) address of the file on the portal')),
  DuocSoHoa: flag.optional(),
  DuocTaiSuDung: flag.optional(),
  DuocLayTuKhoDMQG: flag.optional(),
  MaKetQuaThayThe: text(100).optional(),
});

const FormData = z.union([
  z.record(z.string(), z.unknown()),
  z
    .string()
    .max(200_000)
    .transform((v, c) => {
      try {
        const o = JSON.parse(v) as unknown;
        if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
      } catch {
        // reported below: text that is not JSON is the same fault as JSON that is not an object
      }
      c.addIssue({ code: 'custom', message: 'must be a JSON object', params: { vi: 'Phải là một đối tượng JSON' } });
      return z.NEVER;
    }),
]);

/**
 * The pushed record (contract.ts INBOUND_DOSSIER_FIELDS): DongBoHoSoMC's fields, values strings,
 * with the TechID, the applicant's address and the e-form's data beside them. Other fields of the
 * record (MaLinhVuc, TrangThaiHoSo, …) are accepted and not read.
 */
export const InboundDossier = z.looseObject({
  MaHoSo: z
    .string()
    .trim()
    .regex(
      /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/,
      bi(
        'Mã hồ sơ trên Cổng: 1–60 chữ, số, . _ -, bắt đầu bằng chữ hoặc số',
        "the portal's dossier code: 1–60 letters, digits, . _ -, starting with a letter or digit",
      ),
    ),
  MaTTHC: z.string().trim().min(1).max(60),
  TenTTHC: text(2000).optional(),
  KenhThucHien: z
    .literal(KENH_THUC_HIEN.online, bi('Hồ sơ nộp trên Cổng thuộc kênh trực tuyến ("2")', 'a dossier filed on the portal is online ("2")'))
    .optional(),
  ChuHoSo: z.string().trim().min(2).max(300),
  SoGiayToChuHoSo: z
    .string()
    .trim()
    .regex(/^[0-9]{9,13}$/, bi('Số giấy tờ của chủ hồ sơ gồm 9–13 chữ số', "the applicant's identifier: 9–13 digits")),
  LoaiDoiTuong: z.enum(['1', '2', '3', '4']).default('1'),
  Email: z.union([z.email(), z.literal('')]).optional(),
  SoDienThoai: z
    .string()
    .trim()
    .regex(/^(\+?[0-9 .-]{8,15})?$/, bi('Số điện thoại không hợp lệ', 'invalid phone number'))
    .optional(),
  DiaChiChuHoSo: text(500).optional(),
  TrichYeuHoSo: text(2000).optional(),
  NgayNopHoSo: z.string().regex(/^\d{14}$/, bi('Phải là ngày giờ dạng yyyyMMddHHmmss', 'must be a date and time as yyyyMMddHHmmss')),
  DinhDanhCHS: z
    .array(z.looseObject({ LoaiDinhDanh: z.string().trim().min(1).max(10), SoDinhDanh: z.string().trim().min(1).max(40) }))
    .max(10)
    .optional(),
  TechID: text(100).optional(),
  DuLieuBieuMau: FormData.default({}),
  TaiLieuNop: z.array(InboundFile).max(100).default([]),
} satisfies Partial<Record<InboundDossierField, z.ZodType>>);
export type InboundDossier = z.infer<typeof InboundDossier>;

export const InboundAnswerSchema = z.object({
  code: z.string().describe('Our dossier code'),
  nationalCode: z.string().describe("The portal's code (MaHoSo), as pushed"),
  created: z.boolean().describe('false when this MaHoSo was filed already (a repeated delivery): the same dossier, nothing filed again'),
}) satisfies z.ZodType<InboundAnswer>;

/** Our filing input's paths as the pushed record's fields, so an error names what the portal sent. */
const PATHS: [RegExp, string][] = [
  [/^(body\.)?applicant\.name/, 'body.ChuHoSo'],
  [/^(body\.)?applicant\.identifier/, 'body.SoGiayToChuHoSo'],
  [/^(body\.)?applicant\.email/, 'body.Email'],
  [/^(body\.)?applicant\.phone/, 'body.SoDienThoai'],
  [/^(body\.)?applicant\.address/, 'body.DiaChiChuHoSo'],
  [/^(body\.)?applicant\.kind/, 'body.LoaiDoiTuong'],
  [/^(body\.)?(procedureCode|channel|feeCategory)/, 'body.MaTTHC'],
];
function portalPath(path: string): string {
  for (const [re, to] of PATHS) if (re.test(path)) return to;
  const form = /^(?:body\.)?form(.*)$/.exec(path);
  if (form) return `body.DuLieuBieuMau${form[1]}`;
  const comp = /^(?:body\.)?components\[(\d+)\]/.exec(path);
  if (comp) return `body.TaiLieuNop[${comp[1]}].MaThanhPhanHoSo`;
  if (/^(?:body\.)?components\[code=/.test(path)) return 'body.TaiLieuNop';
  return path.startsWith('body.') ? path : `body.${path}`;
}
const renamed = (details: ErrorDetail[]) => details.map((d) => ({ ...d, path: portalPath(d.path) }));

/**
 * A dossier filed on the National Public Service Portal for one of our procedures, pushed to us
 * (issue 16 item 2): checked, its files fetched from the portal and checked by content like any
 * upload, then filed through the one filing operation every channel uses (online, channel 2), so
 * it is received, processed, tracked and synchronised back like any other. The portal's code
 * (MaHoSo) and the applicant's national account (TechID) stay on the dossier: the outbound sync
 * reports its statuses under that code. The portal delivers at least once: the same MaHoSo pushed
 * again answers with the dossier already filed and files nothing.
 */
export async function receiveNationalDossier(ctx: Ctx, principal: Principal, body: unknown): Promise<InboundAnswer> {
  const parsed = InboundDossier.safeParse(body);
  if (!parsed.success) throw validationError(zodDetails(parsed.error, 'body'));
  const r = parsed.data;
  const known = await findNationalDossier(ctx, r.MaHoSo);
  if (known) return { code: known, nationalCode: r.MaHoSo, created: false };

  // What can be checked without the files is checked before any is fetched: a dossier refused
  // for its procedure or its e-form costs the portal's file server nothing and stores nothing.
  const proc = await procedureOf(ctx, r.MaTTHC);
  const early = precheck(proc, r);
  if (early.length) throw validationError(early);

  const identifier = r.DinhDanhCHS?.find((d) => d.LoaiDinhDanh === LOAI_DINH_DANH.citizenId)?.SoDinhDanh ?? r.SoGiayToChuHoSo;
  const components = [];
  for (const [i, f] of r.TaiLieuNop.entries()) {
    const bytes = await fetchPortalFile(ctx, f.DuongDanTaiTepTin, `body.TaiLieuNop[${i}].DuongDanTaiTepTin`);
    const up = await storeUpload(ctx, principal, bytes, f.TenTepDinhKem).catch((e: unknown) => {
      // The file's own fault (its type, active content, damage): named by its place in the record.
      if (e instanceof AppError && e.status < 500)
        throw new AppError(e.code, e.text, [{ path: `body.TaiLieuNop[${i}]`, message: e.text.vi, messageEn: e.text.en }]);
      throw e;
    });
    components.push({ code: f.MaThanhPhanHoSo || null, name: f.TenTepDinhKem, uploadId: up.id });
  }

  const input = {
    procedureCode: proc.code,
    channel: 2 as const,
    applicant: {
      kind: INBOUND_APPLICANT_KIND[r.LoaiDoiTuong],
      name: r.ChuHoSo,
      identifier: /^[0-9]{9,13}$/.test(identifier) ? identifier : r.SoGiayToChuHoSo,
      email: r.Email || null,
      phone: r.SoDienThoai || null,
      address: r.DiaChiChuHoSo || null,
    },
    delivery: 'online' as const,
    form: r.DuLieuBieuMau,
    components,
  };
  try {
    const filed = await fileDossier(ctx, input, principal, undefined, { code: r.MaHoSo, techId: r.TechID || null });
    return { code: filed.code, nationalCode: r.MaHoSo, created: true };
  } catch (e) {
    // The same dossier delivered twice at once: the second filing loses on the unique code and answers with the first.
    if ((e as { code?: string }).code === '23505' && /national_code/.test((e as Error).message)) {
      const winner = await findNationalDossier(ctx, r.MaHoSo);
      if (winner) return { code: winner, nationalCode: r.MaHoSo, created: false };
    }
    if (e instanceof AppError && e.code === 'VALIDATION_FAILED' && e.details) throw validationError(renamed(e.details));
    throw e;
  }
}

async function procedureOf(ctx: Ctx, code: string): Promise<ProcedureDetail> {
  try {
    return await getProcedure(ctx, code);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND')
      throw validationError([
        { path: 'body.MaTTHC', message: `Hệ thống không có thủ tục ${code} đang có hiệu lực`, messageEn: `No procedure ${code} in force here` },
      ]);
    throw e;
  }
}

function precheck(proc: ProcedureDetail, r: InboundDossier): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (!proc.methods.some((m) => m.channel === 'ONLINE'))
    out.push({ path: 'body.MaTTHC', message: `Thủ tục ${proc.code} không nhận hồ sơ trực tuyến`, messageEn: `Procedure ${proc.code} is not offered online` });
  const codes = new Set(proc.cases.flatMap((c) => c.components.map((x) => x.code)).filter(Boolean));
  r.TaiLieuNop.forEach((f, i) => {
    if (f.MaThanhPhanHoSo && !codes.has(f.MaThanhPhanHoSo))
      out.push({
        path: `body.TaiLieuNop[${i}].MaThanhPhanHoSo`,
        message: `Thủ tục không có thành phần ${f.MaThanhPhanHoSo}`,
        messageEn: `No component ${f.MaThanhPhanHoSo} in this procedure`,
      });
  });
  out.push(...renamed(validateEForm(proc.eForm, r.DuLieuBieuMau)));
  return out;
}

/**
 * A file the portal named, fetched from an origin configured for it only (`nationalInbound.fileOrigins`:
 * a pushed address is not a way to make this server fetch anything else), without redirects,
 * within the time limit and no larger than an upload may be.
 */
async function fetchPortalFile(ctx: Ctx, address: string, path: string): Promise<Uint8Array> {
  const { fileOrigins, fileTimeoutMs } = ctx.config.nationalInbound;
  const url = URL.canParse(address) ? new URL(address) : null;
  if (!url || !fileOrigins.includes(url.origin)) {
    throw validationError([
      { path, message: 'Tệp phải nằm trên máy chủ tệp của Cổng đã được cấu hình', messageEn: "the file must be on the portal's configured file server" },
    ]);
  }
  const max = UPLOAD_LIMITS.maxBytes;
  const tooLarge = () =>
    new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá lớn: tối đa 20 MiB', en: 'File too large: at most 20 MiB' }, [
      { path, message: 'Tệp quá lớn', messageEn: 'file too large' },
    ]);
  const unavailable = (why: string) =>
    new AppError(
      'NATIONAL_FILE_UNAVAILABLE',
      { vi: `Không tải được tệp từ Cổng DVCQG (${why}); chưa tiếp nhận hồ sơ`, en: `Could not fetch the file from the portal (${why}); nothing was filed` },
      [{ path, message: `Không tải được tệp (${why})`, messageEn: `could not fetch the file (${why})` }],
    );
  try {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(fileTimeoutMs) });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw unavailable(`HTTP ${res.status}`);
    }
    if (Number(res.headers.get('content-length') ?? 0) > max) {
      await res.body.cancel();
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > max) throw tooLarge(); // leaving the loop cancels the stream
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw unavailable((e as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
  }
}
