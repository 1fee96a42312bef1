import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ensureCitizen } from '../identity/ensure-citizen.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Principal, StaffRole } from '../../platform/auth/roles.ts';
import { getProcedure, type ProcedureDetail } from '../catalog/get-procedure.ts';
import { computeFees } from '../catalog/compute-fees.ts';
import { listStaff } from '../organisation/list-staff.ts';
import type { Staff } from '../organisation/schemas.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { fileDossier } from '../dossiers/file-dossier.ts';
import { takeAction } from '../dossiers/take-action.ts';
import { rateDossier } from '../dossiers/rate-dossier.ts';
import { validateEForm } from '../dossiers/eform.ts';
import { getFeeDue } from '../dossiers/fee-due.ts';
import { stepIndex, type Channel } from '../dossiers/workflow.ts';
import type { ActionRequest, Applicant } from '../dossiers/schemas.ts';
import { importDigitisedScan } from '../digitisation/import-digitised-scan.ts';
import { recordDigitisedItem } from '../digitisation/record-digitised-item.ts';
import { confirmMetadata } from '../digitisation/confirm-metadata.ts';
import { recordCounterPayment } from '../payments/record-counter-payment.ts';
import { readDemo, NATIONAL_PORTAL_CLIENT } from './load-demo-data.ts';
import { prng } from './random.ts';

/**
 * Demo dossiers: about thirty dossiers over ten procedures and their units, driven through
 * the real operations (file, receive, assign, supplement, request and collect fees, propose,
 * approve, return, rate) so that officials open non-empty work queues, the finance officer a
 * ledger, and the demo citizens a dossier history with fees to pay and receipts. The
 * e-forms are generated from each procedure version's JSON Schema by a seeded generator, so
 * every fresh demo is the same (dates are relative to the day it is loaded).
 */

interface DemoCitizen {
  sub: string;
  kind: 'citizen' | 'business';
  name: string;
  identifier: string;
  phone?: string;
  email?: string;
  address?: string;
  representative?: string;
}

/** Fictional companies that file at the counter, by post or through the national portal. */
const COMPANIES = [
  {
    name: 'Công ty Cổ phần Thực phẩm Hà Thành',
    taxCode: '0102345678',
    address: 'Số 68 Trần Duy Hưng, phường Yên Hòa, Hà Nội',
    rep: 'Nguyễn Văn Hùng',
    email: 'lienhe@hathanhfood.vn',
    phone: '02437833456',
    site: 'https://hathanhfood.vn',
  },
  {
    name: 'Công ty TNHH Xuất nhập khẩu Phương Nam',
    taxCode: '0312456789',
    address: 'Số 215 Nam Kỳ Khởi Nghĩa, phường Xuân Hòa, Thành phố Hồ Chí Minh',
    rep: 'Lê Thị Mỹ Dung',
    email: 'xnk@phuongnam.com.vn',
    phone: '02839301122',
    site: 'https://phuongnam.com.vn',
  },
  {
    name: 'Công ty Cổ phần Năng lượng Sông Đà',
    taxCode: '0105678123',
    address: 'Tòa nhà Sông Đà, số 18 Phạm Hùng, phường Từ Liêm, Hà Nội',
    rep: 'Trần Quốc Khánh',
    email: 'info@songdapower.vn',
    phone: '02437684455',
    site: 'https://songdapower.vn',
  },
  {
    name: 'Công ty TNHH Phân phối Đồ uống Việt Hưng',
    taxCode: '0314789012',
    address: 'Số 12 Cộng Hòa, phường Tân Sơn Nhất, Thành phố Hồ Chí Minh',
    rep: 'Phạm Minh Tâm',
    email: 'sales@viethungbev.vn',
    phone: '02838112233',
    site: 'https://viethungbev.vn',
  },
  {
    name: 'Công ty Cổ phần Dệt may Thăng Long',
    taxCode: '0100234561',
    address: 'Số 250 Minh Khai, phường Vĩnh Tuy, Hà Nội',
    rep: 'Đỗ Thị Hạnh',
    email: 'export@thanglongtex.vn',
    phone: '02438624567',
    site: 'https://thanglongtex.vn',
  },
  {
    name: 'Công ty TNHH Nông sản Mê Kông Xanh',
    taxCode: '1801567234',
    address: 'Lô 5 Khu công nghiệp Trà Nóc, phường Bình Thủy, thành phố Cần Thơ',
    rep: 'Huỳnh Văn Lộc',
    email: 'contact@mekongxanh.vn',
    phone: '02923841567',
    site: 'https://mekongxanh.vn',
  },
  {
    name: 'Công ty Cổ phần Siêu thị Sài Gòn Xanh',
    taxCode: '0309876543',
    address: 'Số 101 Tôn Dật Tiên, phường Tân Mỹ, Thành phố Hồ Chí Minh',
    rep: 'Võ Thị Ngọc Trâm',
    email: 'marketing@saigonxanh.vn',
    phone: '02854123456',
    site: 'https://saigonxanh.vn',
  },
  {
    name: 'Công ty TNHH Điện mặt trời Ninh Thuận Sun',
    taxCode: '4500654321',
    address: 'Xã Phước Minh, tỉnh Khánh Hòa',
    rep: 'Bùi Đức Thành',
    email: 'office@ntsun.vn',
    phone: '02593888999',
    site: 'https://ntsun.vn',
  },
  {
    name: 'Công ty Cổ phần Viễn thông Hồng Hà',
    taxCode: '0106123987',
    address: 'Số 7 Duy Tân, phường Cầu Giấy, Hà Nội',
    rep: 'Ngô Thanh Sơn',
    email: 'phaply@hongha-telecom.vn',
    phone: '02437957788',
    site: 'https://hongha-telecom.vn',
  },
  {
    name: 'Công ty TNHH Thép và Cơ khí An Phát',
    taxCode: '0107345890',
    address: 'Khu công nghiệp Quang Minh, xã Quang Minh, Hà Nội',
    rep: 'Đặng Văn Quyết',
    email: 'xuatkhau@anphatsteel.vn',
    phone: '02436581234',
    site: 'https://anphatsteel.vn',
  },
];
type Company = (typeof COMPANIES)[number];

const PEOPLE = [
  'Nguyễn Thị Lan Anh',
  'Trần Đức Mạnh',
  'Lê Quang Huy',
  'Phạm Thị Thu Hằng',
  'Hoàng Văn Bình',
  'Vũ Thị Kim Oanh',
  'Đặng Minh Khoa',
  'Bùi Thị Hồng Vân',
  'Đỗ Trọng Nghĩa',
  'Ngô Thị Phương Linh',
];
const ADDRESSES = [
  'Số 35 Lê Văn Lương, phường Thanh Xuân, Hà Nội',
  'Số 120 Xã Đàn, phường Kim Liên, Hà Nội',
  'Số 48 Nguyễn Chí Thanh, phường Láng, Hà Nội',
  'Số 22 Lý Tự Trọng, phường Sài Gòn, Thành phố Hồ Chí Minh',
  'Số 301 Điện Biên Phủ, phường Bàn Cờ, Thành phố Hồ Chí Minh',
  'Số 76 Phan Xích Long, phường Cầu Kiệu, Thành phố Hồ Chí Minh',
  'Lô B2 Khu công nghiệp Thăng Long, xã Thiên Lộc, Hà Nội',
  'Lô 14 Khu chế xuất Tân Thuận, phường Tân Thuận, Thành phố Hồ Chí Minh',
];
const GOODS = [
  { desc: 'Hạt điều nhân đã bóc vỏ', hs: '08013200', unit: 'kg' },
  { desc: 'Cà phê Robusta nhân sống', hs: '09011110', unit: 'kg' },
  { desc: 'Áo sơ mi nam dệt thoi bằng bông', hs: '62052000', unit: 'chiếc' },
  { desc: 'Gạo trắng hạt dài', hs: '10063099', unit: 'tấn' },
  { desc: 'Tôm thẻ chân trắng đông lạnh', hs: '03061721', unit: 'kg' },
  { desc: 'Đồ nội thất bằng gỗ cao su', hs: '94036090', unit: 'bộ' },
  { desc: 'Thép cuộn cán nóng', hs: '72083900', unit: 'tấn' },
  { desc: 'Hạt tiêu đen', hs: '09041120', unit: 'kg' },
];
const PRODUCTS = ['Rượu vang đỏ Đà Lạt', 'Rượu Vodka Hà Nội', 'Bia lon Sài Gòn', 'Rượu nếp cái hoa vàng', 'Rượu vang Chile Cabernet', 'Rượu Soju Hàn Quốc'];
const RETAILERS = [
  'Cửa hàng Rượu – Bia Minh Phát',
  'Công ty TNHH Thương mại Hoàng Long',
  'Siêu thị Mini Bình An',
  'Cửa hàng Tiện lợi Phú Thịnh',
  'Công ty TNHH Phân phối Nam Sài Gòn',
  'Hộ kinh doanh Nguyễn Văn Thành',
  'Công ty Cổ phần Thương mại Đông Đô',
];
const PROVINCES = ['Hà Nội', 'Thành phố Hồ Chí Minh', 'Đà Nẵng', 'Hải Phòng', 'Cần Thơ', 'Quảng Ninh', 'Khánh Hòa', 'Nghệ An'];
const COUNTRIES = ['Nhật Bản', 'Hàn Quốc', 'Đức', 'Hoa Kỳ', 'Thái Lan', 'Xin-ga-po'];

type Rng = ReturnType<typeof prng>;

type JsonSchema = {
  type?: string;
  title?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

interface Who {
  company: Company;
  person: string;
  address: string;
  phone: string;
  email: string;
  household: boolean;
  offset: number;
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const fit = (s: string, sch: JsonSchema) => {
  let v = s.slice(0, sch.maxLength ?? 10_000);
  while (v.length < (sch.minLength ?? 0)) v += '0';
  return v;
};

/** A plausible value for one field, by the field's name first and its schema otherwise. */
function valueFor(key: string, sch: JsonSchema, who: Who, rng: Rng, index = 0): unknown {
  const k = key.toLowerCase();
  if (k === 'loaichuthe' && sch.enum?.includes('ho_kinh_doanh')) return who.household ? 'ho_kinh_doanh' : 'doanh_nghiep';
  if (sch.enum?.length) return rng.pick(sch.enum);
  switch (sch.type) {
    case 'integer':
    case 'number': {
      const lo = sch.minimum ?? (sch.exclusiveMinimum !== undefined ? sch.exclusiveMinimum + 1 : 1);
      const hi = sch.maximum ?? (sch.exclusiveMaximum !== undefined ? sch.exclusiveMaximum - 1 : Number.MAX_SAFE_INTEGER);
      const usd = /usd|fob/i.test(`${k} ${sch.title ?? ''}`);
      let n: number;
      if (usd) n = rng.int(20, 900) * 100;
      else if (k === 'trigia') n = [30_000_000, 10_000_000, 2_000_000, 500_000][index % 4];
      else if (/sogiai/.test(k)) n = [1, 3, 10, 50][index % 4];
      else if (/gia|tien|von|kyquy/.test(k)) n = lo >= 1e9 ? Math.ceil(lo / 1e9) * 1e9 + rng.int(0, 20) * 5e8 : rng.int(2, 200) * 1e6;
      else if (/mw/.test(k)) n = rng.int(20, 300);
      else if (/congsuat/.test(k)) n = Math.max(lo, rng.int(3, 12) * 1e6);
      else if (/dientich/.test(k)) n = rng.int(3, 20) * 100;
      else if (/soluong|khoiluong/.test(k)) n = rng.int(2, 60) * 50;
      else if (/kinhnghiem/.test(k)) n = rng.int(5, 25);
      else if (/songuoi/.test(k)) n = rng.int(15, 120);
      else if (/quymo|gianhang/.test(k)) n = rng.int(4, 30);
      else if (/sanluong/.test(k)) n = rng.int(50, 800);
      else n = rng.int(1, 100);
      n = Math.min(Math.max(n, lo), hi);
      return sch.type === 'integer' ? Math.round(n) : n;
    }
    case 'boolean':
      return true;
    case 'array': {
      const item = sch.items ?? { type: 'string' };
      const min = sch.minItems ?? 0;
      const max = sch.maxItems ?? min + 3;
      const n = Math.min(max, Math.max(min, Math.min(min + rng.int(0, 2), 3)));
      if (item.enum?.length) {
        const pool = [...item.enum];
        return Array.from({ length: Math.min(n || 1, pool.length) }, () => pool.splice(Math.floor(rng.next() * pool.length), 1)[0]);
      }
      if (item.type === 'object') return Array.from({ length: n }, (_, i) => objectFor(item, who, rng, i, false));
      const singular = /diaban|tinh/.test(k) ? PROVINCES : null;
      const seen = new Set<unknown>();
      const out: unknown[] = [];
      for (let i = 0; out.length < n && i < 50; i++) {
        const v = singular ? fit(singular[(i + rng.int(0, singular.length - 1)) % singular.length], item) : valueFor(key, item, who, rng, i);
        if (sch.uniqueItems && seen.has(v)) continue;
        seen.add(v);
        out.push(v);
      }
      return out;
    }
    case 'object':
      return objectFor(sch, who, rng, index, false);
  }
  // Strings.
  if (sch.format === 'date') {
    if (/hopdong|hoadon|kyquy|ngaylap/.test(k)) return isoDay(-rng.int(3, 40));
    if (/ketthuc|bemac|thoihan/.test(k)) return isoDay(rng.int(75, 120));
    return isoDay(rng.int(20, 60));
  }
  if (sch.format === 'email') return who.email;
  if (sch.format === 'uri') return who.company.site;
  if (sch.pattern) {
    if (sch.pattern === '^[0-9]{10}([0-9]{3})?$') return /masothue|mst/.test(k) ? who.company.taxCode : rng.digits(10);
    if (sch.pattern === '^0[0-9]{9,10}$') return who.phone;
    const m = /^\^\[0-9\]\{(\d+)\}(?:\(\[0-9\]\{(\d+)\}\)\?)?\$$/.exec(sch.pattern);
    if (m) {
      if (/mahs/.test(k)) return GOODS[(index + who.offset) % GOODS.length].hs.slice(0, Number(m[1]) + Number(m[2] ?? 0)).padEnd(Number(m[1]), '0');
      return rng.digits(Number(m[1]));
    }
    const cas = /^\^\[0-9\]\{2,7\}-\[0-9\]\{2\}-\[0-9\]\$$/.test(sch.pattern);
    if (cas) return rng.pick(['64-17-5', '67-64-1', '108-88-3', '7664-93-9']);
  }
  const g = GOODS[(index + who.offset) % GOODS.length];
  let s: string;
  if (/nguoidaidien|chihuy|nguoilienhe|hoten|phutrach|dai_dien/.test(k)) s = index ? PEOPLE[(index + rng.int(0, 9)) % PEOPLE.length] : who.person;
  else if (/dienthoai/.test(k)) s = who.phone;
  else if (k === 'tennhamay')
    s =
      rng.pick(['Nhà máy điện mặt trời Phước Minh', 'Nhà máy điện gió Đầm Nại', 'Nhà máy thủy điện Nậm Chiến 3', 'Nhà máy điện sinh khối Hậu Giang']) +
      ` ${index + 1}`;
  else if (/^ten(doanhnghiep|tochuc|chuthe|coso)$/.test(k)) s = who.company.name;
  else if (/^ten(thuongnhan|nhacungcap)/.test(k)) s = RETAILERS[(index + who.offset) % RETAILERS.length];
  else if (/nhacungcap/.test(k))
    s = rng.pick(['Tổng Công ty Cổ phần Bia – Rượu – Nước giải khát Hà Nội', 'Công ty Cổ phần Rượu Bình Tây', 'Công ty TNHH Vang Đà Lạt']);
  else if (/diachi|diadiem|kho|nhamay/.test(k)) s = index || /kho|nhamay|coso|diadiem/.test(k) ? rng.pick(ADDRESSES) : who.address;
  else if (k === 'hanghoakhuyenmai') s = 'Sữa tươi tiệt trùng, nước giải khát và bánh kẹo đóng gói bán tại hệ thống cửa hàng';
  else if (/mota|tenhang|mathang|hanghoa/.test(k)) s = g.desc;
  else if (/donvitinh/.test(k)) s = g.unit;
  else if (/tensanpham|nhanhieu|sanpham/.test(k)) s = PRODUCTS[(index + who.offset) % PRODUCTS.length];
  else if (/sohopdong/.test(k)) s = `${rng.int(1, 250)}/${new Date().getFullYear()}/HĐMB`;
  else if (/sohoadon/.test(k)) s = `HĐ${rng.digits(7)}`;
  else if (/sogiayphep/.test(k)) s = `${rng.int(10, 999)}/GP-SCT`;
  else if (/quocgia|nuoc/.test(k)) s = rng.pick(COUNTRIES);
  else if (/thanhpho/.test(k)) s = rng.pick(['Tokyo, Trung tâm Triển lãm Tokyo Big Sight', 'Seoul, Trung tâm COEX', 'Frankfurt, Messe Frankfurt']);
  else if (/cang|cuakhau/.test(k)) s = rng.pick(['Cảng Cát Lái', 'Cảng Hải Phòng', 'Cửa khẩu Hữu Nghị', 'Cảng Cái Mép']);
  else if (/chuongtrinh/.test(k)) s = `Quay số trúng thưởng – Tri ân khách hàng ${new Date().getFullYear()}`;
  else if (/tengiai/.test(k)) s = ['Giải Đặc biệt', 'Giải Nhất', 'Giải Nhì', 'Giải Ba'][index % 4];
  else if (/noidung/.test(k)) s = ['Xe máy Honda Vision', 'Tivi Samsung 55 inch', 'Phiếu mua hàng 1.000.000 đồng', 'Bộ quà tặng'][index % 4];
  else if (/hoicho|trienlam/.test(k)) s = 'Triển lãm Thực phẩm và Đồ uống quốc tế FOODEX';
  else if (/hopdong/.test(k)) s = 'Hợp đồng cung cấp dịch vụ theo mẫu';
  else if (/mucdich/.test(k)) s = 'Phục vụ sản xuất sản phẩm công nghiệp của doanh nghiệp';
  else if (/congsuat/.test(k)) s = `${rng.int(5, 50)} tấn sản phẩm/năm`;
  else if (/nganhhang|khuyenmai/.test(k)) s = 'Thực phẩm chế biến, đồ uống và hàng tiêu dùng';
  else if (/phuongtien/.test(k)) s = 'Đường biển, Cát Lái – Singapore';
  else if (/chuyennganh/.test(k)) s = rng.pick(['Kỹ thuật điện', 'Hệ thống điện', 'Tự động hóa']);
  else s = `${who.company.name}`;
  return fit(s, sch);
}

function objectFor(sch: JsonSchema, who: Who, rng: Rng, index: number, top: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(sch.required ?? []);
  for (const [key, p] of Object.entries(sch.properties ?? {})) {
    // Optional fields are filled most of the time, as a careful applicant would.
    if (!required.has(key) && !top && rng.next() < 0.3) continue;
    out[key] = valueFor(key, p, who, rng, index);
  }
  return out;
}

/** A valid e-form for the procedure version: generated, checked, optional fields dropped if they fail. */
function formFor(proc: ProcedureDetail, who: Who, rng: Rng): Record<string, unknown> {
  const schema = proc.eForm as JsonSchema | null;
  if (!schema) return {};
  const form = objectFor(schema, who, rng, 0, true);
  if (Array.isArray(form.coCauGiaiThuong) && 'tongGiaTriGiaiThuong' in form) {
    form.tongGiaTriGiaiThuong = (form.coCauGiaiThuong as { soGiai: number; triGia: number }[]).reduce((n, p) => n + p.soGiai * p.triGia, 0);
  }
  for (let i = 0; i < 3; i++) {
    const errors = validateEForm(proc.eForm, form);
    if (!errors.length) return form;
    const required = new Set(schema.required ?? []);
    for (const e of errors) {
      const top = /^form\.([^.[]+)/.exec(e.path)?.[1];
      if (top && !required.has(top)) delete form[top];
    }
    if (errors.some((e) => required.has(/^form\.([^.[]+)/.exec(e.path)?.[1] ?? ''))) {
      throw new Error(`demo e-form for ${proc.code}: ${errors.map((e) => `${e.path} ${e.messageEn}`).join('; ')}`);
    }
  }
  return form;
}

/** pdf-lib's standard fonts are WinAnsi: the scan's text drops the diacritics. */
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, ' ');

const pdfCache = new Map<string, Uint8Array>();
/** The text componentPdf draws, line by line: what reading the page gives back. */
const componentText = (title: string, applicant: string) =>
  ['CONG HOA XA HOI CHU NGHIA VIET NAM', 'Doc lap - Tu do - Hanh phuc', ascii(title), `Ben nop: ${ascii(applicant)}`].join('\n');

/**
 * Records the demo's counter components as digitised and confirmed, the way an officer would after
 * scanning them: the demo's PDFs are made with their text, so no OCR runs when the demo loads.
 */
async function digitiseDemoComponents(
  ctx: Ctx,
  officer: Principal,
  code: string,
  wanted: readonly { code: string | null; name: string }[],
  components: readonly { code: string | null; uploadId: string }[],
  applicant: Applicant,
) {
  for (const [i, comp] of wanted.entries()) {
    const file = components[i];
    if (!comp.code || !file) continue;
    const { scanId } = await importDigitisedScan(ctx, officer, {
      dossierCode: code,
      componentCode: comp.code,
      uploadId: file.uploadId,
      pages: [componentText(comp.name, applicant.name)],
    });
    const { item } = await recordDigitisedItem(ctx, officer, scanId);
    await confirmMetadata(ctx, officer, item.code, {
      documentName: comp.name,
      documentType: 'other',
      subjectName: applicant.name,
      subjectIdentifier: applicant.identifier,
    });
  }
}

async function componentPdf(title: string, applicant: string): Promise<Uint8Array> {
  const key = `${title}\n${applicant}`;
  let bytes = pdfCache.get(key);
  if (!bytes) {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    page.drawText('CONG HOA XA HOI CHU NGHIA VIET NAM', { x: 150, y: 790, size: 12, font });
    page.drawText('Doc lap - Tu do - Hanh phuc', { x: 215, y: 772, size: 11, font });
    const words = ascii(title).split(/\s+/);
    let line = '';
    let y = 720;
    for (const w of words) {
      if ((line + ' ' + w).length > 80) {
        page.drawText(line, { x: 50, y, size: 11, font });
        y -= 16;
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    if (line) page.drawText(line, { x: 50, y, size: 11, font });
    page.drawText(`Ben nop: ${ascii(applicant)}`, { x: 50, y: y - 30, size: 10, font });
    page.drawText('(Ban dien tu dung cho moi truong trinh dien - demo)', { x: 50, y: 60, size: 8, font });
    doc.setTitle(ascii(title));
    bytes = await doc.save();
    pdfCache.set(key, bytes);
  }
  return bytes;
}

/** What the demo does with each dossier: who files it and how far along the workflow it gets. */
type Target =
  | 'submitted'
  | 'refused'
  | 'early_supplement'
  | 'received'
  | 'processing'
  | 'supplemented'
  | 'awaiting_supplement'
  | 'proposed'
  | 'sent_back'
  | 'approved'
  | 'returned'
  | 'withdrawn'
  | 'refused_after_receipt'
  // Fees (issue 14): asked for by the assignee and paid at the desk; asked for and still owed;
  // owed at filing (an online filing of a procedure that charges then waits, unsent).
  | 'fee_paid'
  | 'awaiting_fee'
  | 'unpaid';
interface Scenario {
  proc: string;
  by: 'citizen' | 'portal' | 'counter' | 'post';
  citizen?: number;
  company?: number;
  to: Target;
  rate?: [number, number, number, number, string?];
}

const SCENARIOS: Scenario[] = [
  // The first demo citizen (001089012345) files online: "Hồ sơ của tôi" shows every kind of state.
  { proc: '2.000620', by: 'citizen', citizen: 0, to: 'returned', rate: [5, 5, 4, 5, 'Cán bộ hướng dẫn tận tình, trả kết quả trước hạn.'] },
  { proc: '2.000115', by: 'citizen', citizen: 0, to: 'awaiting_supplement' },
  { proc: '1.010815', by: 'citizen', citizen: 0, to: 'submitted' },
  { proc: '2.001270', by: 'citizen', citizen: 0, to: 'processing' },
  { proc: '2.000591', by: 'citizen', citizen: 0, to: 'withdrawn' },
  { proc: '2.001271', by: 'citizen', citizen: 1, to: 'returned', rate: [4, 5, 5, 5, 'Thủ tục nhanh gọn.'] },
  { proc: '2.000620', by: 'counter', citizen: 1, to: 'approved' },
  { proc: '2.000620', by: 'citizen', citizen: 2, to: 'refused' },
  { proc: '2.000115', by: 'citizen', citizen: 3, to: 'proposed' },
  { proc: '2.000591', by: 'citizen', citizen: 4, to: 'received' },
  { proc: '2.001270', by: 'citizen', citizen: 5, to: 'returned', rate: [3, 4, 4, 5, 'Thời gian chờ hơi lâu vào cuối tuần.'] },
  { proc: '2.000166', by: 'citizen', citizen: 5, to: 'supplemented' },
  // Companies: through the national portal (online), at the counter, by post.
  { proc: '2.000633', by: 'portal', company: 3, to: 'submitted' },
  { proc: '2.000753', by: 'portal', company: 7, to: 'submitted' },
  { proc: '2.001271', by: 'portal', company: 1, to: 'submitted' },
  { proc: '2.000753', by: 'portal', company: 2, to: 'early_supplement' },
  { proc: '2.000591', by: 'counter', company: 0, to: 'received' },
  { proc: '2.000115', by: 'post', company: 6, to: 'received' },
  { proc: '2.001270', by: 'counter', company: 4, to: 'received' },
  { proc: '2.000633', by: 'counter', company: 3, to: 'processing' },
  { proc: '2.000753', by: 'post', company: 2, to: 'processing' },
  { proc: '1.010815', by: 'portal', company: 8, to: 'processing' },
  { proc: '2.000591', by: 'portal', company: 5, to: 'awaiting_supplement' },
  { proc: '2.001270', by: 'portal', company: 9, to: 'proposed' },
  { proc: '1.010815', by: 'counter', company: 8, to: 'proposed' },
  { proc: '2.000620', by: 'portal', company: 6, to: 'sent_back' },
  { proc: '2.000166', by: 'portal', company: 9, to: 'approved' },
  { proc: '2.001271', by: 'counter', company: 1, to: 'approved' },
  { proc: '2.000633', by: 'portal', company: 3, to: 'returned' },
  { proc: '2.000115', by: 'counter', company: 6, to: 'returned' },
  { proc: '2.000166', by: 'portal', company: 4, to: 'refused_after_receipt' },
  // Fees, at the end so the dossiers above keep their codes and contents. The second demo citizen
  // paid in cash at the desk (her receipt is in her e-data repository, the desk's cash on the
  // finance officer's ledger); the first owes a fee asked for while processing and one owed at
  // filing, each with the "pay online" button that leads to the payment platform's simulator.
  // Paying online is left to the person trying the demo: it needs the app's HTTP server (the
  // simulator calls back), which is not listening yet while the demo loads.
  { proc: '2.000620', by: 'citizen', citizen: 1, to: 'fee_paid' },
  { proc: '2.000633', by: 'citizen', citizen: 0, to: 'awaiting_fee' },
  { proc: '2.000770', by: 'citizen', citizen: 0, to: 'unpaid' },
];

const PIPELINE = ['receive', 'assign', 'propose', 'approve', 'return'] as const;
const DEPTH: Record<Target, number> = {
  submitted: 0,
  refused: 0,
  early_supplement: 0,
  withdrawn: 1,
  received: 1,
  refused_after_receipt: 1,
  processing: 2,
  supplemented: 2,
  awaiting_supplement: 2,
  proposed: 3,
  sent_back: 3,
  approved: 4,
  returned: 5,
  fee_paid: 2,
  awaiting_fee: 2,
  unpaid: 0,
};

const METHOD_OF: Record<Channel, string> = { 1: 'DIRECT', 2: 'ONLINE', 3: 'POSTAL' };

/**
 * Loads the demo dossiers. Called by `loadDemoData` on a fresh demo only. Returns how many
 * dossiers were filed.
 */
export async function loadDemoDossiers(ctx: Ctx, log: (msg: string) => void = () => {}): Promise<number> {
  const started = Date.now();
  const staff = (await listStaff(ctx)).filter((s) => s.active);
  const holder = (role: StaffRole, unit: string): Extract<Principal, { kind: 'staff' }> => {
    const s = staff.find((x) => x.roles.some((r) => r.role === role && r.unitId === unit));
    if (!s) throw new Error(`demo: no ${role} in ${unit}`);
    return asPrincipal(s);
  };
  const citizens = readDemo('citizens.json') as DemoCitizen[];
  const citizenPrincipals = await citizenAccounts(ctx, citizens);
  const portal: Principal = {
    kind: 'service',
    clientId: NATIONAL_PORTAL_CLIENT,
    name: 'Cổng Dịch vụ công quốc gia',
    scopes: ['dossiers:write', 'dossiers:read'],
  };
  const procedures = new Map<string, ProcedureDetail>();
  const counts: Record<string, number> = {};
  let filed = 0;

  for (const [n, sc] of SCENARIOS.entries()) {
    const rng = prng(20260101 + n * 7919);
    const proc = procedures.get(sc.proc) ?? (await getProcedure(ctx, sc.proc));
    procedures.set(sc.proc, proc);
    const wf = proc.workflow;
    const step = (key: Parameters<typeof stepIndex>[1]) => wf[stepIndex(wf, key)];
    const receiver = holder(step('receive').role, step('receive').unit);
    const leader = holder(step('assign').role, step('assign').unit);
    const specialist = holder(step('examine').role, step('assign').unit);
    const signer = holder(step('approve').role, step('approve').unit);
    const returner = holder(step('return').role, step('return').unit);

    const c = sc.citizen !== undefined ? citizens[sc.citizen] : undefined;
    const company =
      sc.company !== undefined
        ? COMPANIES[sc.company]
        : c?.kind === 'business'
          ? {
              ...COMPANIES[0],
              name: c.name,
              taxCode: c.identifier,
              address: c.address ?? COMPANIES[0].address,
              rep: c.representative ?? PEOPLE[0],
              email: c.email ?? COMPANIES[0].email,
              phone: c.phone ?? COMPANIES[0].phone,
            }
          : undefined;
    const who: Who = company
      ? {
          company,
          person: company.rep,
          address: company.address,
          phone: company.phone.slice(0, 11),
          email: company.email,
          household: false,
          offset: rng.int(0, 7),
        }
      : {
          // A citizen files for their household business: its tax code is a personal one (8…).
          company: {
            ...COMPANIES[n % COMPANIES.length],
            name: `Hộ kinh doanh ${c!.name}`,
            taxCode: `80${c!.identifier.slice(-8)}`,
            address: c!.address ?? ADDRESSES[0],
            email: c!.email ?? 'demo@example.vn',
          },
          person: c!.name,
          address: c!.address ?? ADDRESSES[0],
          phone: c!.phone ?? '0912345678',
          email: c!.email ?? 'demo@example.vn',
          household: true,
          offset: rng.int(0, 7),
        };
    const applicant: Applicant = c
      ? { kind: c.kind, name: c.name, identifier: c.identifier, email: c.email ?? null, phone: c.phone ?? null, address: c.address ?? null }
      : { kind: 'business', name: company!.name, identifier: company!.taxCode, email: company!.email, phone: company!.phone, address: company!.address };

    const citizenP = sc.by === 'citizen' ? citizenPrincipals.get(c!.identifier) : undefined;
    // Without the simulator (a real SSO) there is no demo account to file as: file at the counter instead.
    const filer: Principal = sc.by === 'citizen' ? (citizenP ?? receiver) : sc.by === 'portal' ? portal : receiver;
    const channel: Channel = filer.kind === 'staff' ? (sc.by === 'post' ? 3 : 1) : 2;

    const form = formFor(proc, who, rng);
    const wanted = proc.cases[0]?.components.filter((x) => x.code && (x.required || rng.next() < 0.5)) ?? [];
    const components = [];
    for (const comp of wanted) {
      const up = await storeUpload(ctx, filer, await componentPdf(comp.name, applicant.name), `${fileSlug(comp.name)}.pdf`);
      components.push({ code: comp.code, uploadId: up.id });
    }
    const { code } = await fileDossier(ctx, { procedureCode: proc.code, channel, applicant, form, components }, filer);
    filed++;

    const act = (input: ActionRequest, p: Principal) => takeAction(ctx, code, input, p);
    const depth = DEPTH[sc.to];
    for (const a of PIPELINE.slice(0, depth)) {
      if (a === 'receive' && channel !== 2) continue; // filing at the counter or by post is the receipt
      if (a === 'receive') await act({ action: 'receive' }, receiver);
      // Paper is digitised before a counter or postal dossier moves past receipt (Circular 01/2023).
      if (a === 'assign' && channel !== 2) await digitiseDemoComponents(ctx, filer, code, wanted, components, applicant);
      if (a === 'assign') await act({ action: 'assign', assignee: specialist.username, note: 'Đề nghị chuyên viên thẩm định, báo cáo đúng hạn.' }, leader);
      if (a === 'propose') await act({ action: 'propose', note: 'Hồ sơ đầy đủ, hợp lệ; đề nghị lãnh đạo xem xét, phê duyệt.' }, specialist);
      if (a === 'approve') await act({ action: 'approve', note: 'Đồng ý.' }, signer);
      if (a === 'return') await act({ action: 'return', method: channel === 2 ? 'online' : 'counter' }, returner);
      if (a === 'assign' && (sc.to === 'supplemented' || sc.to === 'awaiting_supplement')) {
        await act(
          {
            action: 'request_supplement',
            items: [
              {
                component: wanted[wanted.length - 1]?.name,
                reason: 'Bản sao chưa được chứng thực; đề nghị nộp bản sao có chứng thực hoặc bản sao điện tử từ sổ gốc.',
              },
            ],
          },
          specialist,
        );
        if (sc.to === 'supplemented') {
          const p = citizenP ?? receiver;
          const up = await storeUpload(
            ctx,
            p,
            await componentPdf(`${wanted[wanted.length - 1]?.name ?? 'Giấy tờ bổ sung'} (bản bổ sung)`, applicant.name),
            'ho-so-bo-sung.pdf',
          );
          await act({ action: 'supplement', components: [{ code: wanted[wanted.length - 1]?.code, uploadId: up.id }] }, p);
        }
      }
      if (a === 'assign' && (sc.to === 'fee_paid' || sc.to === 'awaiting_fee')) {
        // The assignee asks for the fees the procedure collects on request, worked out as the
        // office page suggests them (the version's fees for the channel, from the e-form).
        const method = proc.methods.find((m) => m.channel === METHOD_OF[channel]);
        const owed = computeFees(method?.fees ?? [], { form, dueAt: 'request' });
        if (!owed.total) throw new Error(`demo: ${proc.code} charges nothing on request`);
        await act({ action: 'request_fee', lines: owed.lines, note: 'Đề nghị nộp phí thẩm định theo quy định trước khi thẩm định hồ sơ.' }, specialist);
        if (sc.to === 'fee_paid') {
          // The applicant pays in cash at the receiving unit's desk, which records it and prints the receipt.
          const due = await getFeeDue(ctx, code, receiver);
          if (!due) throw new Error(`demo: ${code} owes nothing after request_fee`);
          await recordCounterPayment(ctx, code, { method: 'cash', amount: due.total, dueSeq: due.dueSeq }, receiver);
        }
      }
      if (a === 'propose' && sc.to === 'sent_back')
        await act({ action: 'send_back', reason: 'Đề nghị làm rõ điều kiện về kho hàng và hợp đồng với nhà cung cấp.' }, signer);
    }
    if (sc.to === 'refused' || sc.to === 'refused_after_receipt')
      await act({ action: 'refuse', reason: 'Hồ sơ không thuộc thẩm quyền giải quyết: mặt hàng đề nghị thuộc danh mục do Bộ Y tế quản lý.' }, receiver);
    if (sc.to === 'early_supplement')
      await act(
        {
          action: 'request_supplement',
          items: [
            { component: wanted[0]?.name, reason: 'Tờ khai thiếu chữ ký số của người đại diện theo pháp luật.' },
            { reason: 'Bổ sung bản sao Giấy chứng nhận đăng ký doanh nghiệp còn hiệu lực.' },
          ],
        },
        receiver,
      );
    if (sc.to === 'withdrawn' && citizenP) await act({ action: 'withdraw', reason: 'Doanh nghiệp thay đổi kế hoạch kinh doanh, xin rút hồ sơ.' }, citizenP);
    if (sc.rate && citizenP) {
      const [timeliness, attitude, guidance, result, comment] = sc.rate;
      await rateDossier(ctx, code, { scores: { timeliness, attitude, guidance, result }, comment }, citizenP);
    }
    counts[sc.to] = (counts[sc.to] ?? 0) + 1;
  }
  log(
    `demo: ${filed} dossiers over ${procedures.size} procedures in ${Date.now() - started} ms (${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );
  return filed;
}

function asPrincipal(s: Staff): Extract<Principal, { kind: 'staff' }> {
  return { kind: 'staff', id: s.id, username: s.username, name: s.fullName, roles: s.roles.map((r) => ({ role: r.role as StaffRole, unitId: r.unitId })) };
}

function fileSlug(name: string): string {
  return (
    ascii(name)
      .toLowerCase()
      .replace(/\(.*?\)/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'giay-to'
  );
}

/**
 * The demo citizens' accounts, as the VNeID simulator's sign-in will find them (same issuer
 * and subject). Only with the simulator: with a real SSO the demo citizens do not exist.
 */
async function citizenAccounts(ctx: Ctx, citizens: DemoCitizen[]): Promise<Map<string, Extract<Principal, { kind: 'citizen' }>>> {
  const out = new Map<string, Extract<Principal, { kind: 'citizen' }>>();
  if (!ctx.config.oidc.simulator) return out;
  for (const c of citizens) out.set(c.identifier, await ensureCitizen(ctx, ctx.config.oidc.issuer, c));
  return out;
}
