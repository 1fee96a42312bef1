import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DvcqgExtension } from './routes.ts';

/**
 * The portal's procedure catalogue, simulated: LayDanhSachTTHC (the ministry's procedures, one
 * summary each) and LayThuTuc (one procedure's national catalogue data), answered in the portal's
 * shape ({error_code, message, result[]}, values strings). Its data is the demo's procedures as
 * the national procedures database would publish them, with a few differences, as the national
 * database moves ahead of a ministry's copy: 2.000620's time limit is shortened, 1.004503 gains a
 * legal basis, 2.000115 gains an optional component, and 1.013001 is a procedure the ministry does
 * not have yet. A pull then shows new, changed and unchanged procedures.
 */

const DEMO_PROCEDURES = fileURLToPath(new URL('../../../demo/procedures/', import.meta.url));

/** The demo's own procedure records (the national export format with its congso extension). */
interface DemoRecord {
  code: string;
  name: string;
  executionMethods: { submissionMethod: string; processingTime: number; processingTimeUnit?: string; description?: string | null; fees?: DemoFee[] }[];
  executionCases?: { name?: string; profileComponents?: DemoComponent[] }[];
  executionSteps?: { name?: string; description?: string }[];
  congso?: { field?: string; agencyCode?: string; legalBasis?: string[]; resultType?: string };
}
interface DemoFee {
  type?: string;
  value: number;
  description?: string | null;
  code?: string;
}
interface DemoComponent {
  code?: string | null;
  name: string;
  originalQty?: number;
  copyQty?: number;
  required?: boolean;
  hasElectronicForm?: boolean;
}

// The portal's codes, its own reading (the adapter's is src/modules/national-portal/contract.ts).
const KENH: Record<string, string> = { DIRECT: '1', ONLINE: '2', POSTAL: '3' };
const DON_VI: Record<string, string> = { WORKING_DAY: 'NGAY_LAM_VIEC', DAY: 'NGAY', WORKING_HOUR: 'GIO_LAM_VIEC', SAME_DAY: 'TRONG_NGAY' };
/** LoaiPhiLePhi: "1" lệ phí (FEE), "2" phí (CHARGE). */
const LOAI_PHI: Record<string, string> = { FEE: '1', CHARGE: '2' };
const AGENCY_NAMES: Record<string, string> = {
  '000.00.00.G12': 'Bộ Công Thương',
  '000.05.00.G12': 'Cục Xuất nhập khẩu',
  '000.13.00.G12': 'Cục Công nghiệp',
};

const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const fieldCode = (field: string) => `G12-LV-${[...field].reduce((h, c) => (h * 31 + c.codePointAt(0)!) % 100_000, 7)}`;

/** A demo record as the portal publishes it. */
function published(r: DemoRecord): PortalProcedure {
  const field = r.congso?.field ?? 'Khác';
  const agency = r.congso?.agencyCode ?? '';
  return {
    MaTTHC: r.code,
    TenTTHC: r.name,
    MaLinhVuc: fieldCode(field),
    TenLinhVuc: field,
    MaCoQuanThucHien: agency,
    TenCoQuanThucHien: AGENCY_NAMES[agency] ?? '',
    NgayCapNhat: '20250701000000',
    CachThucThucHien: r.executionMethods.map((m) => ({
      Kenh: KENH[m.submissionMethod] ?? '',
      ThoiGianGiaiQuyet: s(m.processingTime),
      DonViThoiGian: DON_VI[m.processingTimeUnit ?? 'WORKING_DAY'] ?? s(m.processingTimeUnit),
      MoTa: s(m.description),
      PhiLePhi: (m.fees ?? []).map((f) => ({
        MaPhiLePhi: s(f.code),
        TenPhiLePhi: s(f.description),
        Gia: s(f.value),
        LoaiPhiLePhi: LOAI_PHI[f.type ?? 'FEE'] ?? '1',
      })),
    })),
    ThanhPhanHoSo: (r.executionCases ?? []).map((c) => ({
      TruongHop: s(c.name),
      GiayTo: (c.profileComponents ?? []).map((p) => ({
        MaGiayTo: s(p.code),
        TenGiayTo: p.name,
        SoBanChinh: s(p.originalQty ?? 0),
        SoBanSao: s(p.copyQty ?? 0),
        BatBuoc: p.required ? '1' : '0',
        CoBieuMauDienTu: p.hasElectronicForm ? '1' : '0',
      })),
    })),
    TrinhTuThucHien: (r.executionSteps ?? []).map((x) => ({ TenBuoc: s(x.name), MoTa: s(x.description) })),
    CanCuPhapLy: (r.congso?.legalBasis ?? []).map((t) => ({ SoVanBan: /\d+\/\d{4}\/[A-ZĐ0-9-]+/u.exec(t)?.[0] ?? '', TenVanBan: t })),
    KetQuaThucHien: s(r.congso?.resultType),
  };
}

export interface PortalProcedure {
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  MaCoQuanThucHien: string;
  TenCoQuanThucHien: string;
  NgayCapNhat: string;
  CachThucThucHien: {
    Kenh: string;
    ThoiGianGiaiQuyet: string;
    DonViThoiGian: string;
    MoTa: string;
    PhiLePhi: { MaPhiLePhi: string; TenPhiLePhi: string; Gia: string; LoaiPhiLePhi: string }[];
  }[];
  ThanhPhanHoSo: {
    TruongHop: string;
    GiayTo: { MaGiayTo: string; TenGiayTo: string; SoBanChinh: string; SoBanSao: string; BatBuoc: string; CoBieuMauDienTu: string }[];
  }[];
  TrinhTuThucHien: { TenBuoc: string; MoTa: string }[];
  CanCuPhapLy: { SoVanBan: string; TenVanBan: string }[];
  KetQuaThucHien: string;
}

/** A procedure the national database has and the demo ministry does not yet. */
const NEW_PROCEDURE: PortalProcedure = {
  MaTTHC: '1.013001',
  TenTTHC: 'Cấp Giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ',
  MaLinhVuc: fieldCode('Công nghiệp'),
  TenLinhVuc: 'Công nghiệp',
  MaCoQuanThucHien: '000.13.00.G12',
  TenCoQuanThucHien: 'Cục Công nghiệp',
  NgayCapNhat: '20261101000000',
  CachThucThucHien: ['2', '1'].map((Kenh) => ({
    Kenh,
    ThoiGianGiaiQuyet: '15',
    DonViThoiGian: 'NGAY_LAM_VIEC',
    MoTa: '15 ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ, hợp lệ.',
    PhiLePhi: [],
  })),
  ThanhPhanHoSo: [
    {
      TruongHop: '',
      GiayTo: [
        { MaGiayTo: '000.00.00.G12-HS009901', TenGiayTo: 'Đơn đề nghị xác nhận ưu đãi', SoBanChinh: '1', SoBanSao: '0', BatBuoc: '1', CoBieuMauDienTu: '1' },
        { MaGiayTo: '000.00.00.G12-HS009902', TenGiayTo: 'Báo cáo thuyết minh dự án', SoBanChinh: '1', SoBanSao: '0', BatBuoc: '1', CoBieuMauDienTu: '0' },
      ],
    },
  ],
  TrinhTuThucHien: [
    { TenBuoc: 'Nộp hồ sơ', MoTa: 'Tổ chức, cá nhân nộp hồ sơ trực tuyến hoặc tại Bộ phận Một cửa.' },
    { TenBuoc: 'Thẩm định và xác nhận', MoTa: 'Cục Công nghiệp thẩm định và cấp Giấy xác nhận ưu đãi.' },
  ],
  CanCuPhapLy: [{ SoVanBan: '111/2015/NĐ-CP', TenVanBan: 'Nghị định số 111/2015/NĐ-CP ngày 03/11/2015 của Chính phủ về phát triển công nghiệp hỗ trợ' }],
  KetQuaThucHien: 'Giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ',
};

/** The national database ahead of the demo's copy (see the module's comment). */
function amended(p: PortalProcedure): PortalProcedure {
  switch (p.MaTTHC) {
    case '2.000620':
      return { ...p, NgayCapNhat: '20261015000000', CachThucThucHien: p.CachThucThucHien.map((m) => ({ ...m, ThoiGianGiaiQuyet: '8' })) };
    case '1.004503':
      return {
        ...p,
        NgayCapNhat: '20261020000000',
        CanCuPhapLy: [
          ...p.CanCuPhapLy,
          { SoVanBan: '05/2025/TT-BCT', TenVanBan: 'Thông tư số 05/2025/TT-BCT của Bộ trưởng Bộ Công Thương sửa đổi quy định về xuất xứ hàng hóa' },
        ],
      };
    case '2.000115':
      return {
        ...p,
        NgayCapNhat: '20261025000000',
        ThanhPhanHoSo: p.ThanhPhanHoSo.map((c, i) =>
          i === 0
            ? {
                ...c,
                GiayTo: [
                  ...c.GiayTo,
                  {
                    MaGiayTo: '000.00.00.G12-HS001905',
                    TenGiayTo: 'Bản sao Giấy chứng nhận đăng ký nhãn hiệu hàng hóa khuyến mại (nếu có)',
                    SoBanChinh: '0',
                    SoBanSao: '1',
                    BatBuoc: '0',
                    CoBieuMauDienTu: '0',
                  },
                ],
              }
            : c,
        ),
      };
    default:
      return p;
  }
}

function loadCatalogue(): PortalProcedure[] {
  const records = readdirSync(DEMO_PROCEDURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const raw = JSON.parse(readFileSync(DEMO_PROCEDURES + f, 'utf8')) as unknown;
      const list = Array.isArray(raw) ? raw : [raw];
      return list.map((r) => ((r as { data?: DemoRecord }).data ?? r) as DemoRecord);
    });
  return [...records.map((r) => amended(published(r))), NEW_PROCEDURE];
}

export interface PortalAnswer {
  error_code: number;
  message: string;
  result: unknown[];
}

const SUMMARY = ['MaTTHC', 'TenTTHC', 'MaLinhVuc', 'TenLinhVuc', 'MaCoQuanThucHien', 'TenCoQuanThucHien', 'NgayCapNhat'] as const;

/** The two catalogue services, by name, for the simulator's service endpoint (routes.ts). */
export function createCatalogue() {
  let procedures: PortalProcedure[] | null = null;
  const all = () => (procedures ??= loadCatalogue());
  return {
    /** LayDanhSachTTHC: every procedure, or those of one agency (MaCoQuan). */
    LayDanhSachTTHC(fields: Record<string, unknown>): PortalAnswer {
      const agency = typeof fields.MaCoQuan === 'string' ? fields.MaCoQuan : '';
      const list = all().filter((p) => !agency || p.MaCoQuanThucHien === agency);
      return { error_code: 0, message: 'Thành công', result: list.map((p) => Object.fromEntries(SUMMARY.map((k) => [k, p[k]]))) };
    },
    /** LayThuTuc: one procedure by MaTTHC. */
    LayThuTuc(fields: Record<string, unknown>): PortalAnswer {
      const code = fields.MaTTHC;
      if (typeof code !== 'string' || !code) return { error_code: 1, message: 'Thiếu trường MaTTHC', result: [] };
      const p = all().find((x) => x.MaTTHC === code);
      if (!p) return { error_code: 1, message: `Không tìm thấy thủ tục ${code}`, result: [] };
      return { error_code: 0, message: 'Thành công', result: [structuredClone(p)] };
    },
  };
}

/** The catalogue services among the portal's (routes.ts lists this extension). */
export const catalogue: DvcqgExtension = (sim) => {
  const c = createCatalogue();
  sim.addService('LayDanhSachTTHC', (body) => c.LayDanhSachTTHC(body));
  sim.addService('LayThuTuc', (body) => c.LayThuTuc(body));
};
