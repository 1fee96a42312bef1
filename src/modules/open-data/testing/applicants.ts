import { act, citizenToken, FORM, LIGHT_PROCEDURE, TEST_PROCEDURE, uploadPdf } from '../../../../test/dossier-fixtures.ts';
import { api, login, type TestApp } from '../../../../test/helpers.ts';

/**
 * Test-only helpers of the open-data tests (imported by `*.test.ts` files only): dossiers filed
 * online by distinct applicants, each with contact details and e-form answers of their own, and
 * received at the desk, so the statistics count them; and every personal value they carry, for
 * scanning what the public pages and datasets answer.
 */

export interface Filed {
  code: string;
  /** Every value that could single the applicant out: name, identifier, e-mail, phone, address, e-form answers. */
  personal: string[];
}

let serial = 0;

/** Files `n` dossiers of a test procedure online, each by another citizen, and receives them at the demo desk (000.05.01.G12). */
export async function fileAndReceiveMany(t: TestApp, n: number, procedure: string = LIGHT_PROCEDURE.code): Promise<Filed[]> {
  const desk = await login(t, 'tiepnhan.xnk');
  const out: Filed[] = [];
  for (let i = 0; i < n; i++) {
    const k = ++serial;
    const id = `70000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
    const name = `Hoàng Thị Riêng Tư ${k}`;
    const identifier = `0790${String(8000000 + k).padStart(8, '0')}`;
    const applicant = {
      name,
      identifier,
      email: `rieng.tu.${k}@thu-nghiem.vn`,
      phone: `0987${String(100000 + k).padStart(6, '0')}`,
      address: `Số ${k} ngõ Bí Mật, phường Kín Đáo, Hà Nội`,
    };
    const form = { ...FORM, tenDoanhNghiep: `Công ty TNHH Riêng Tư Số ${k}`, maSoThue: String(5900000000 + k) };
    const token = await citizenToken(t, id, name, identifier);
    const components = procedure === TEST_PROCEDURE.code ? [{ code: 'T-01', uploadId: await uploadPdf(t, token) }] : [];
    const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
      token,
      body: { procedureCode: procedure, channel: 2, applicant, form, components },
    });
    if (r.status !== 201) throw new Error(`file: ${r.status} ${JSON.stringify(r.body)}`);
    const received = await act(t, desk, r.body.code, { action: 'receive' });
    if (received.status !== 200) throw new Error(`receive: ${received.status} ${JSON.stringify(received.body)}`);
    out.push({ code: r.body.code, personal: [...Object.values(applicant), form.tenDoanhNghiep, form.maSoThue] });
  }
  return out;
}

/** The personal values (and dossier codes) found in a reply, compared without letter case. */
export function leaks(body: string, filed: readonly Filed[]): string[] {
  const text = body.toLowerCase();
  return filed.flatMap((f) => [f.code, ...f.personal]).filter((v) => text.includes(v.toLowerCase()));
}
