import { createHash, randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound } from '../../platform/errors.ts';
import type { App } from '../../platform/http/types.ts';
import type { DvcqgSimulator } from './simulator.ts';
import type { DvcqgExtension } from './routes.ts';

/** routes.ts's DVCQG_PREFIX (routes.ts imports this file, so the value is not imported back). */
const PREFIX = '/simulators/dvcqg';

/**
 * The portal's inbound side, simulated: a dossier filed on the National Public Service Portal
 * for one of our procedures is pushed to the ministry's system, as the real portal does, with a
 * service token (OAuth client credentials, our scope `national-portal:push`). Its own reading of
 * the record (DongBoHoSoMC's fields, all strings, dates yyyyMMddHHmmss in Vietnam time, KenhThucHien
 * "2", TrangThaiHoSo "1", TaiLieuNop by address), so it checks what our endpoint accepts. The
 * files it names are served from here (`/files/{id}`), as the portal's file server would.
 *
 * Faults, as the portal's delivery is at least once: `duplicate` delivers the record twice at
 * once and once more after; `timeout` loses our first answer (the portal stopped waiting) and
 * delivers again. Either way the ministry must end with one dossier.
 */

const VN_OFFSET_MS = 7 * 3600_000;
/** yyyyMMddHHmmss in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function portalTime(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export const PushBody = z
  .object({
    /** One of the ministry's procedures (its national code). */
    procedureCode: z.string().min(1).max(60).default('1.010815'),
    /** The e-form as filled on the portal; absent: the demo's filling of 1.010815. */
    form: z.record(z.string(), z.unknown()).optional(),
    /** Files for the components (our component codes): a small PDF each. Absent: the demo's two required ones of 1.010815. */
    files: z
      .array(z.object({ code: z.string().max(100).optional(), name: z.string().min(1).max(200) }).strict())
      .max(20)
      .optional(),
    applicant: z
      .object({
        name: z.string().min(1).max(300),
        identifier: z.string().min(1).max(20),
        kind: z.enum(['1', '2', '3', '4']).default('1'),
        email: z.string().max(200).optional(),
        phone: z.string().max(30).optional(),
        address: z.string().max(500).optional(),
      })
      .strict()
      .optional(),
    /** The applicant's national account; absent: one is made up. */
    techId: z.string().max(100).optional(),
    /** Push again a MaHoSo pushed before (a redelivery); absent: a new one. */
    maHoSo: z.string().max(60).optional(),
    fault: z.enum(['none', 'duplicate', 'timeout']).default('none'),
    /** Fields laid over the record as built (tests: a malformed record, as a faulty portal would send). */
    override: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type PushBody = z.infer<typeof PushBody>;

/** The demo's filing of 1.010815 (standard contracts): an applicant of the demo (Trần Văn Minh has a VNeID account). */
const DEMO_FORM = {
  tenDoanhNghiep: 'Công ty Cổ phần Nước sạch Sông Hồng',
  maSoThue: '0101234567',
  diaChi: 'Số 5 Phố Huế, phường Hai Bà Trưng, Hà Nội',
  linhVuc: 'nuoc',
  loaiDangKy: 'dang_ky_moi',
  tenHopDong: 'Hợp đồng cung cấp nước sạch sinh hoạt',
  ngayDuKienApDung: '2027-01-01',
};
const DEMO_FILES = [
  { code: '000.00.00.G12-HS002301', name: 'don-dang-ky.pdf' },
  { code: '000.00.00.G12-HS002302', name: 'hop-dong-mau.pdf' },
];
const DEMO_APPLICANT = {
  name: 'Trần Văn Minh',
  identifier: '001089012345',
  kind: '1' as const,
  email: 'minh.tran@example.vn',
  phone: '0912345678',
  address: 'Số 12 Hàng Bài, phường Hoàn Kiếm, Hà Nội',
};

export interface Delivery {
  /** What our system answered (HTTP status and body), or why there was no answer. */
  status: number | null;
  body: unknown;
  /** The portal never saw this answer (the `timeout` fault). */
  lost?: boolean;
}
export interface PushOutcome {
  nationalCode: string;
  record: Record<string, unknown>;
  deliveries: Delivery[];
  /** The answer the portal kept: the last delivery's. */
  final: Delivery;
}

/** The portal's own copy of a dossier filed there (DongBoHoSoMC's record, its fields in order): what the ministry's updates then update. */
function portalCopy(r: Record<string, unknown>): Record<string, unknown> {
  const v = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
  return {
    MaHoSo: v('MaHoSo'),
    MaTTHC: v('MaTTHC'),
    TenTTHC: v('TenTTHC') || v('MaTTHC'),
    MaLinhVuc: '',
    TenLinhVuc: '',
    KenhThucHien: '2',
    ChuHoSo: v('ChuHoSo'),
    SoGiayToChuHoSo: v('SoGiayToChuHoSo'),
    LoaiDoiTuong: v('LoaiDoiTuong') || '1',
    MaDoiTuong: '',
    Email: v('Email'),
    SoDienThoai: v('SoDienThoai'),
    TrichYeuHoSo: v('TrichYeuHoSo'),
    NgayTiepNhan: '',
    NgayHenTra: '',
    TrangThaiHoSo: '1',
    NgayTra: '',
    HinhThuc: '2',
    NgayKetThucXuLy: '',
    DonViXuLy: '',
    NgayNopHoSo: v('NgayNopHoSo'),
    NgayTuChoi: '',
    HoSoCoThanhPhanSoHoa: '0',
    TaiKhoanDuocXacThucVoiVNeID: '1',
    DuocThanhToanTrucTuyen: '0',
    TaiLieuNop: Array.isArray(r.TaiLieuNop) ? r.TaiLieuNop : [],
    DanhSachLePhi: [],
    DanhSachHoSoBoSung: [],
    DanhSachGiayToKetQua: [],
    DinhDanhCHS: Array.isArray(r.DinhDanhCHS) ? r.DinhDanhCHS : [],
  };
}

/** The id of the sample file the simulator always serves. */
export const SAMPLE_FILE = 'mau';

export interface InboundOptions {
  /** Our endpoint (`…/api/v1/national-portal/dossiers`) and token endpoint (`…/api/v1/oauth/token`). */
  pushUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Where this simulator serves the files it names (`…/simulators/dvcqg/files`). */
  filesBase: string;
  /** Keeps the portal's own copy of a dossier filed there, before it is pushed (the ministry's updates name it). */
  keep?: (record: Record<string, unknown>) => Promise<void>;
  now?: () => Date;
}

export function createInboundPortal(o: InboundOptions) {
  const now = o.now ?? (() => new Date());
  const files = new Map<string, { bytes: Uint8Array; type: string }>();
  const log: PushOutcome[] = [];
  let token: { value: string; until: number } | null = null;
  let seq = 0;

  async function bearer(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await fetch(o.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}` },
      body: JSON.stringify({ grant_type: 'client_credentials', scope: 'national-portal:push' }),
      signal: AbortSignal.timeout(10_000),
    });
    const b = (await res.json()) as { access_token?: string; expires_in?: number };
    if (res.status !== 200 || !b.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(b)}`);
    token = { value: b.access_token, until: Date.now() + Math.max(0, (b.expires_in ?? 60) - 30) * 1000 };
    return token.value;
  }

  async function deliver(record: Record<string, unknown>): Promise<Delivery> {
    try {
      const res = await fetch(o.pushUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await bearer()}` },
        body: JSON.stringify(record),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text: the portal logs what it got
      }
      return { status: res.status, body };
    } catch (e) {
      return { status: null, body: (e as Error).message };
    }
  }

  async function pdf(title: string, named?: string): Promise<string> {
    const doc = await PDFDocument.create();
    // Standard fonts cover Latin-1 only: the title is written without its diacritics.
    doc.addPage([420, 595]).drawText(title.normalize('NFD').replace(/[^\x20-\x7e]/g, ''), { x: 40, y: 540, size: 14 });
    const id = named ?? randomBytes(12).toString('hex');
    files.set(id, { bytes: await doc.save(), type: 'application/pdf' });
    return id;
  }

  /** The applicant's national account: one per identifier, as the portal's accounts are. */
  const accounts = new Map<string, string>();
  const techIdFor = (identifier: string) => {
    const known = accounts.get(identifier);
    if (known) return known;
    const made = createHash('sha256').update(`dvcqg-account:${identifier}`).digest('hex').slice(0, 32);
    accounts.set(identifier, made);
    return made;
  };

  /** A sample file always served (`/files/mau`): what a pushed record's file looks like, without pushing one. */
  let sample: Promise<string> | null = null;

  return {
    sample: () => {
      sample ??= pdf('Mau don de nghi', SAMPLE_FILE);
      return sample;
    },
    /** TraCuuTechID: the account of an applicant who filed on the portal, or null. */
    techIdOf: (identifier: string) => accounts.get(identifier) ?? null,
    file: (id: string) => files.get(id),
    pushes: () => log,
    async push(input: PushBody): Promise<PushOutcome> {
      const at = now();
      const applicant = input.applicant ?? DEMO_APPLICANT;
      const nationalCode =
        input.maHoSo ?? `G22.DVCQG-${portalTime(at).slice(2, 8)}-${String(++seq).padStart(4, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
      const attachments = [];
      for (const f of input.files ?? (input.procedureCode === '1.010815' ? DEMO_FILES : [])) {
        const id = await pdf(f.name);
        attachments.push({
          TepDinhKemId: id,
          TenTepDinhKem: f.name,
          MaThanhPhanHoSo: f.code ?? '',
          DuongDanTaiTepTin: `${o.filesBase}/${id}`,
          DuocSoHoa: '0',
          DuocTaiSuDung: '0',
          DuocLayTuKhoDMQG: '0',
          MaKetQuaThayThe: '',
        });
      }
      const record: Record<string, unknown> = {
        MaHoSo: nationalCode,
        MaTTHC: input.procedureCode,
        TenTTHC: '',
        KenhThucHien: '2',
        ChuHoSo: applicant.name,
        SoGiayToChuHoSo: applicant.identifier,
        LoaiDoiTuong: applicant.kind,
        Email: applicant.email ?? '',
        SoDienThoai: applicant.phone ?? '',
        DiaChiChuHoSo: applicant.address ?? '',
        TrichYeuHoSo: `Hồ sơ nộp trên Cổng Dịch vụ công quốc gia, thủ tục ${input.procedureCode}`,
        NgayNopHoSo: portalTime(at),
        TrangThaiHoSo: '1',
        DinhDanhCHS: /^[0-9]{12}$/.test(applicant.identifier) ? [{ LoaiDinhDanh: '1', SoDinhDanh: applicant.identifier }] : [],
        TechID: input.techId ?? techIdFor(applicant.identifier),
        DuLieuBieuMau: JSON.stringify(input.form ?? (input.procedureCode === '1.010815' ? DEMO_FORM : {})),
        TaiLieuNop: attachments,
        ...input.override,
      };
      // Filed on the portal first (it is the portal's dossier), then pushed to the ministry. A malformed record (a test's override) is not the portal's to keep.
      if (!input.override && !input.maHoSo) await o.keep?.(portalCopy(record));
      const deliveries: Delivery[] = [];
      if (input.fault === 'duplicate') {
        deliveries.push(...(await Promise.all([deliver(record), deliver(record)])));
        deliveries.push(await deliver(record));
      } else if (input.fault === 'timeout') {
        deliveries.push({ ...(await deliver(record)), lost: true });
        deliveries.push(await deliver(record));
      } else deliveries.push(await deliver(record));
      const outcome = { nationalCode, record, deliveries, final: deliveries[deliveries.length - 1] };
      log.push(outcome);
      if (log.length > 1000) log.shift();
      return outcome;
    },
  };
}

/**
 * The routes of the inbound side under the simulator's prefix (demo mode only, with the portal's
 * service account configured): POST /push (the demo and tests: file a dossier on the portal and push
 * it to us), GET /files/{id} (the files the records name), GET /pushes (what was pushed and what we
 * answered); and TraCuuTechID among the portal's services.
 */
export const inbound: DvcqgExtension = (sim, fastify, ctx) => {
  const account = ctx.config.nationalInbound.simulator;
  const portalAccount = ctx.config.nationalPortal;
  if (ctx.config.mode !== 'demo' || !account || !portalAccount) return;
  const app = fastify.withTypeProvider<ZodTypeProvider>() as unknown as App;
  const hidden = { access: 'public', csrf: false } as const;
  const base = ctx.config.publicUrl;
  const prefix = PREFIX;
  const portal = createInboundPortal({
    pushUrl: `${base}/api/v1/national-portal/dossiers`,
    tokenUrl: `${base}/api/v1/oauth/token`,
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    filesBase: `${base}${prefix}/files`,
    keep: (record) => keepOnPortal(sim, portalAccount, record),
  });
  sim.addService('TraCuuTechID', (body) => {
    const id = typeof body.SoDinhDanh === 'string' ? body.SoDinhDanh : '';
    if (!/^[0-9]{9,13}$/.test(id)) return { error_code: 1, message: 'SoDinhDanh: 9–13 chữ số', result: [] };
    const known = portal.techIdOf(id);
    return known
      ? { error_code: 0, message: 'Thành công', result: [{ SoDinhDanh: id, TechID: known }] }
      : { error_code: 4, message: 'Không tìm thấy tài khoản', result: [] };
  });
  app.post(`${prefix}/push`, {
    config: hidden,
    schema: { hide: true, body: PushBody },
    handler: async (req) => portal.push(req.body),
  });
  app.get(`${prefix}/files/:id`, {
    config: hidden,
    schema: { hide: true, params: z.object({ id: z.string().max(64) }) },
    handler: async (req, reply) => {
      if (req.params.id === SAMPLE_FILE) await portal.sample();
      const f = portal.file(req.params.id);
      if (!f) throw notFound({ vi: 'tệp', en: 'File' });
      return reply.type(f.type).send(Buffer.from(f.bytes));
    },
  });
  app.get(`${prefix}/pushes`, {
    config: hidden,
    schema: { hide: true },
    handler: async () => ({ pushes: portal.pushes().map((p) => ({ nationalCode: p.nationalCode, deliveries: p.deliveries, final: p.final })) }),
  });
};

/** The portal files the dossier in its own store through its own service, signed in as the ministry's account (as its back office would). */
async function keepOnPortal(
  sim: DvcqgSimulator,
  a: { username: string; password: string; unitCode: string; dstcode: string },
  record: Record<string, unknown>,
) {
  // Injected faults stand between the ministry and the portal, not inside the portal: a few tries get through them.
  for (let attempt = 0; attempt < 5; attempt++) {
    const signIn = await sim.signIn(a.dstcode, { username: a.username, password: a.password });
    const session = 'session' in signIn.body ? signIn.body.session : undefined;
    if (!session) continue;
    const r = await sim.call(a.dstcode, { session, madonvi: a.unitCode, service: 'DongBoHoSoMC', isUpdating: 'False', data: [record] });
    if ('error_code' in r.body && (r.body.error_code === 0 || r.body.error_code === 2)) return;
  }
  throw new Error('the portal simulator could not keep its own copy of the dossier');
}
