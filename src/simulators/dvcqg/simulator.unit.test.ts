import { describe, expect, it } from 'vitest';
import { createDvcqgSimulator, isPortalDate, recordProblem, PROGRESS } from './simulator.ts';

const ACCOUNT = { username: 'u', password: 'secret-pw', unitCode: 'G00', dstcode: 'dst' };

/** A well-formed dossier record, written out by hand in the portal's order. */
const record = (over: Record<string, unknown> = {}) => ({
  MaHoSo: 'H-1',
  MaTTHC: '1.000352',
  TenTTHC: 'Cấp giấy',
  MaLinhVuc: '',
  TenLinhVuc: 'Thương mại',
  KenhThucHien: '2',
  ChuHoSo: 'Trần Văn Minh',
  SoGiayToChuHoSo: '001089012345',
  LoaiDoiTuong: '1',
  MaDoiTuong: '',
  Email: '',
  SoDienThoai: '',
  TrichYeuHoSo: 'Cấp giấy - Trần Văn Minh',
  NgayTiepNhan: '',
  NgayHenTra: '',
  TrangThaiHoSo: '1',
  NgayTra: '',
  HinhThuc: '2',
  NgayKetThucXuLy: '',
  DonViXuLy: 'Phòng Xuất nhập khẩu',
  NgayNopHoSo: '20260423090000',
  NgayTuChoi: '',
  HoSoCoThanhPhanSoHoa: '0',
  TaiKhoanDuocXacThucVoiVNeID: '1',
  DuocThanhToanTrucTuyen: '0',
  TaiLieuNop: [],
  DanhSachLePhi: [],
  DanhSachHoSoBoSung: [],
  DanhSachGiayToKetQua: [],
  DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '001089012345' }],
  ...over,
});
const step = (over: Record<string, unknown> = {}) => ({
  MaHoSo: 'H-1',
  NguoiXuLy: 'Trần Văn Minh',
  ChucDanh: 'Người nộp hồ sơ',
  ThoiDiemXuLy: '20260423090000',
  PhongBanXuLy: '',
  NoiDungXuLy: 'Nộp hồ sơ',
  TrangThai: '1',
  NgayBatDau: '20260423090000',
  NgayKetThucTheoQuyDinh: '',
  ...over,
});

async function signedIn() {
  const sim = createDvcqgSimulator(ACCOUNT);
  const r = await sim.signIn('dst', { username: 'u', password: 'secret-pw' });
  const session = (r.body as { session: string }).session;
  const call = async (service: string, fields: Record<string, unknown>) => (await sim.call('dst', { session, madonvi: 'G00', service, ...fields })).body;
  return { sim, call };
}

describe('its reading of the formats', () => {
  it('dates: 14 digits naming a real moment', () => {
    expect(isPortalDate('20240229235959')).toBe(true);
    expect(isPortalDate('20250229000000')).toBe(false);
    expect(isPortalDate('2026-04-23 09:00')).toBe(false);
    expect(isPortalDate('20260423246000')).toBe(false);
  });

  it('records: each field a string of its kind, the whole set in order', () => {
    expect(recordProblem(step(), PROGRESS)).toBeNull();
    expect(recordProblem(step({ TrangThai: 4 }), PROGRESS)).toBe('TrangThai: must be a string');
    expect(recordProblem(step({ TrangThai: '11' }), PROGRESS)).toMatch(/^TrangThai: must be one of/);
    expect(recordProblem(step({ ThoiDiemXuLy: '2026-04-23T09:00:00' }), PROGRESS)).toBe('ThoiDiemXuLy: must be a date yyyyMMddHHmmss');
    expect(recordProblem(step({ NguoiXuLy: '' }), PROGRESS)).toBe('NguoiXuLy: required');
    expect(recordProblem(step({ Extra: '' }), PROGRESS)).toBe('Extra: unknown field');
    const { ChucDanh, ...rest } = step();
    expect(recordProblem(rest, PROGRESS)).toBe('ChucDanh: missing');
    expect(recordProblem({ ChucDanh, ...rest }, PROGRESS)).toMatch(/fields out of order/);
  });
});

describe('the services', () => {
  it('refuses a call without a valid session, another unit or routing code', async () => {
    const { sim } = await signedIn();
    expect((await sim.call('dst', { session: 'forged', madonvi: 'G00', service: 'TraCuuHoSo', MaHoSo: 'H-1' })).body).toMatchObject({ error_code: 3 });
    expect((await sim.signIn('other', { username: 'u', password: 'secret-pw' })).body).toMatchObject({ error_code: 1 });
    expect((await sim.signIn('dst', { username: 'u', password: 'wrong' })).body).toMatchObject({ error_code: 1 });
  });

  it('a new dossier twice is "already exists"; an update of an unknown one "not found"; a malformed one is refused naming the field', async () => {
    const { sim, call } = await signedIn();
    expect(await call('DongBoHoSoMC', { isUpdating: 'False', data: [record()] })).toMatchObject({ error_code: 0 });
    expect(await call('DongBoHoSoMC', { isUpdating: 'False', data: [record()] })).toMatchObject({ error_code: 2 });
    expect(await call('DongBoHoSoMC', { isUpdating: 'True', data: [record({ MaHoSo: 'H-2' })] })).toMatchObject({ error_code: 4 });
    expect(await call('DongBoHoSoMC', { isUpdating: 'True', data: [record({ NgayHenTra: '20261332000000' })] })).toEqual({
      error_code: 1,
      message: 'data[0].NgayHenTra: must be a date yyyyMMddHHmmss',
      result: [],
    });
    expect(await call('DongBoHoSoMC', { isUpdating: 'true', data: [record()] })).toMatchObject({ error_code: 1 });
    expect(await call('DongBoHoSoMC', { isUpdating: 'True', data: [record({ TrangThaiHoSo: '2' })] })).toMatchObject({ error_code: 0 });
    // The same update again is no new version.
    expect(await call('DongBoHoSoMC', { isUpdating: 'True', data: [record({ TrangThaiHoSo: '2' })] })).toMatchObject({ error_code: 0 });
    expect(sim.dossier('H-1').versions.map((v) => v.record.TrangThaiHoSo)).toEqual(['1', '2']);
    expect(await call('TraCuuHoSo', { MaHoSo: 'H-1' })).toMatchObject({ error_code: 0, result: [expect.objectContaining({ TrangThaiHoSo: '2' })] });
  });

  it('keeps a step sent again once, and two steps of one status and second apart by their content', async () => {
    const { sim, call } = await signedIn();
    await call('DongBoHoSoMC', { isUpdating: 'False', data: [record()] });
    expect(await call('CapNhatTienDoHoSoMC', { data: [step({ MaHoSo: 'H-9' })] })).toMatchObject({ error_code: 4 });
    for (const s of [step(), step(), step({ TrangThai: '4', NoiDungXuLy: 'Phân công xử lý' }), step({ TrangThai: '4', NoiDungXuLy: 'Trình phê duyệt' })]) {
      expect(await call('CapNhatTienDoHoSoMC', { data: [s] })).toMatchObject({ error_code: 0 });
    }
    expect(sim.dossier('H-1').progress.map((s) => s.NoiDungXuLy)).toEqual(['Nộp hồ sơ', 'Phân công xử lý', 'Trình phê duyệt']);
  });

  it('faults: the same seed fails the same calls; a failed call is not processed, a duplicated one twice, an expired session is said so', async () => {
    const run = async () => {
      const { sim } = await signedIn();
      sim.setFaults({ failRate: 0.3, duplicateRate: 0.2, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await sim.call('dst', {});
        out.push(r.status);
      }
      return { out, f: sim.faults() };
    };
    const [a, b] = [await run(), await run()];
    expect(a.out).toEqual(b.out);
    expect(a.out.filter((s) => s === 503).length).toBe(a.f.failed);
    expect(a.f.failed).toBeGreaterThan(0);
    expect(a.f.duplicated).toBeGreaterThan(0);

    const { sim, call } = await signedIn();
    sim.setFaults({ failNext: 1 });
    expect((await sim.call('dst', {})).status).toBe(503);
    sim.expireSessions();
    expect(await call('TraCuuHoSo', { MaHoSo: 'H-1' })).toMatchObject({ error_code: 3 });
  });
});
