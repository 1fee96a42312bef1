import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { componentName, eformLines, fileNameIfDifferent, viewEForm, type EFormEntry } from './eform-view.ts';

/** The demo's certificate-of-origin form (form D): a code list of countries, a goods table, dates. */
const demo = JSON.parse(readFileSync(new URL('../../demo/procedures/2.001270.json', import.meta.url), 'utf8'));
const schema = demo.congso.eForm as Record<string, unknown>;
const form = {
  hangHoa: [{ moTa: 'Cà phê nhân', maHS: '09011110', soLuong: 12000, donViTinh: 'kg', tieuChiXuatXu: 'WO' }],
  nuocNhapKhau: 'TH',
  tenDoanhNghiep: 'Công ty TNHH Cà phê Tây Nguyên',
  ngayHoaDon: '2025-03-05',
  maSoThue: '0101234567',
};

describe('the e-form as an official reads it', () => {
  const entries = viewEForm(schema, form, 'vi');

  it('labels each answer as the form does, in the form’s order, not by its key', () => {
    const labels = entries.map((e) => e.label);
    expect(labels.slice(0, 4)).toEqual(['Tên thương nhân xuất khẩu', 'Mã số thuế', 'Địa chỉ trụ sở', 'Nước nhập khẩu']);
    expect(labels.join(' ')).not.toMatch(/tenDoanhNghiep|nuocNhapKhau|hangHoa/);
  });

  it('shows codes by their names, dates as dd/mm/yyyy, missing answers as a dash', () => {
    const value = (label: string) => (entries.find((e) => e.label === label) as Extract<EFormEntry, { kind: 'value' }>).value;
    expect(value('Nước nhập khẩu')).toBe('Thái Lan');
    expect(value('Ngày hóa đơn')).toBe('05/03/2025');
    expect(value('Địa chỉ trụ sở')).toBe('—');
  });

  it('a table is a table: its column headers by label, its rows’ codes by name, numbers as Vietnamese write them', () => {
    const table = entries.find((e) => e.kind === 'table') as Extract<EFormEntry, { kind: 'table' }>;
    expect(table.label).toBe('Danh mục hàng hóa');
    expect(table.columns.map((c) => c.label)).toEqual(['Mô tả hàng hóa', 'Mã HS', 'Số lượng', 'Đơn vị tính', 'Trị giá FOB (USD)', 'Tiêu chí xuất xứ']);
    expect(table.rows).toEqual([['Cà phê nhân', '09011110', '12.000', 'kg', '—', 'Xuất xứ thuần túy']]);
  });

  it('in English, the English names the schema has, else the Vietnamese ones', () => {
    const en = viewEForm(schema, form, 'en');
    expect(en[0].label).toBe('Exporter name');
    expect((en.find((e) => e.key === 'nuocNhapKhau') as Extract<EFormEntry, { kind: 'value' }>).value).toBe('Thailand');
    const table = en.find((e) => e.kind === 'table') as Extract<EFormEntry, { kind: 'table' }>;
    expect(table.columns[1].label).toBe('HS code');
    expect(table.rows[0][2]).toBe('12,000');
    const noEnglish = viewEForm(
      { type: 'object', properties: { a: { type: 'string', title: 'Tên', enum: ['x'], 'x-enum-titles': ['Ích'] } } },
      { a: 'x' },
      'en',
    );
    expect(noEnglish).toEqual([{ kind: 'value', key: 'a', label: 'Tên', value: 'Ích' }]);
  });

  it('booleans are Có/Không, oneOf choices by their titles, answers the schema does not know still shown', () => {
    const s = {
      type: 'object',
      properties: {
        coKho: { type: 'boolean', title: 'Có kho riêng' },
        hinhThuc: {
          title: 'Hình thức',
          oneOf: [
            { const: 'a', title: 'Trực tiếp', 'x-title-en': 'In person' },
            { const: 'b', title: 'Trực tuyến' },
          ],
        },
      },
    };
    expect(viewEForm(s, { coKho: true, hinhThuc: 'a', cu: 'x' }, 'vi').map((e) => [e.label, (e as { value: string }).value])).toEqual([
      ['Có kho riêng', 'Có'],
      ['Hình thức', 'Trực tiếp'],
      ['cu', 'x'],
    ]);
    expect((viewEForm(s, { coKho: false, hinhThuc: 'a' }, 'en') as { value: string }[]).map((e) => e.value)).toEqual(['No', 'In person']);
  });

  it('for form 01, a plain labelled list: a table’s rows one line each', () => {
    const lines = eformLines(schema, form, 'vi');
    expect(lines).toContainEqual({ label: 'Nước nhập khẩu', value: 'Thái Lan' });
    expect(lines).toContainEqual({
      label: 'Danh mục hàng hóa, dòng 1',
      value: 'Mô tả hàng hóa: Cà phê nhân; Mã HS: 09011110; Số lượng: 12.000; Đơn vị tính: kg; Trị giá FOB (USD): —; Tiêu chí xuất xứ: Xuất xứ thuần túy',
    });
  });
});

describe('components by their document name', () => {
  const proc = { cases: [{ components: [{ code: '000.00.00.G12-HS000104', name: 'Hóa đơn thương mại' }] }] };
  it('names a component by the procedure’s document, the file second and only when it differs', () => {
    const name = componentName(proc, { code: '000.00.00.G12-HS000104', name: 'hoa-don.pdf' });
    expect(name).toBe('Hóa đơn thương mại');
    expect(fileNameIfDifferent(name, 'hoa-don.pdf')).toBe('hoa-don.pdf');
    expect(fileNameIfDifferent('hoa-don.pdf', 'hoa-don.pdf')).toBeNull();
    expect(componentName(proc, { code: null, name: 'Giấy tờ bổ sung' })).toBe('Giấy tờ bổ sung');
  });
});
