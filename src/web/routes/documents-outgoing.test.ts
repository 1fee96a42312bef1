import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaff } from '../../modules/organisation/list-staff.ts';
import { login, startTestApp, type TestApp } from '../../../test/helpers.ts';

/** The outgoing documents' pages without a script: the draft form, the action forms, the register (issue 18 item 6). */
let t: TestApp;
const tok: Record<string, string> = {};
let kyId: string;

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText(text, { x: 72, y: 760, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

const get = async (who: string, url: string) => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${tok[who]}`, accept: 'text/html' }, redirect: 'manual' });
  return { status: r.status, html: await r.text(), type: r.headers.get('content-type') ?? '' };
};
const act = async (who: string, id: string, fields: Record<string, string>) => {
  const r = await fetch(`${t.base}/can-bo/van-ban-di/${id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok[who]}`, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: r.status, location: r.headers.get('location'), html: await r.text() };
};
const version = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '0';

beforeAll(async () => {
  t = await startTestApp();
  for (const u of ['chuyenvien', 'lanhdao', 'ky', 'vanthu.xnk']) tok[u] = await login(t, u);
  kyId = (await listStaff(t.ctx)).find((s) => s.username === 'ky')!.id;
}, 180_000);
afterAll(() => t?.close());

describe('outgoing document pages', () => {
  it('takes a draft from the form to release, each step a plain form', async () => {
    const list = await get('chuyenvien', '/can-bo/van-ban-di');
    expect(list.status).toBe(200);
    expect(list.html).toContain('href="/can-bo/van-ban-di/moi"');
    const form = await get('chuyenvien', '/can-bo/van-ban-di/moi');
    expect(form.html).toContain(`<option value="${kyId}"`);

    // Without a main file: the form comes back with the error linked to the file input.
    const empty = new FormData();
    empty.append('seriesCode', 'CV');
    empty.append('subject', 'V/v thử biểu mẫu');
    const refused = await fetch(`${t.base}/can-bo/van-ban-di/moi`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.chuyenvien}` },
      body: empty,
      redirect: 'manual',
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('href="#mainFile"');

    const fd = new FormData();
    fd.append('seriesCode', 'CV');
    fd.append('subject', 'V/v thử biểu mẫu văn bản đi');
    fd.append('signerId', kyId);
    fd.append('unit.000.05.02.G12', '1');
    fd.append('external', '000.00.00.G22 | Văn phòng Chính phủ');
    fd.append('mainFile', new Blob([new Uint8Array(await pdf('Du thao'))], { type: 'application/pdf' }), 'du-thao.pdf');
    const created = await fetch(`${t.base}/can-bo/van-ban-di/moi`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.chuyenvien}` },
      body: fd,
      redirect: 'manual',
    });
    expect(created.status).toBe(303);
    const id = /\/can-bo\/van-ban-di\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')![1];

    let page = await get('chuyenvien', `/can-bo/van-ban-di/${id}`);
    expect(page.html).toContain('Dự thảo');
    expect(page.html).toContain('Văn phòng Chính phủ');
    expect(page.html).toContain('value="submit"');
    expect((await act('chuyenvien', id, { action: 'submit', version: version(page.html) })).status).toBe(303);

    // A return without a reason: the page again, the error linked to the reason box.
    page = await get('lanhdao', `/can-bo/van-ban-di/${id}`);
    const noReason = await act('lanhdao', id, { action: 'return', version: version(page.html) });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('href="#return-reason"');

    page = await get('ky', `/can-bo/van-ban-di/${id}`);
    expect((await act('ky', id, { action: 'approve', version: version(page.html) })).status).toBe(303);
    page = await get('ky', `/can-bo/van-ban-di/${id}`);
    expect((await act('ky', id, { action: 'sign', version: version(page.html) })).status).toBe(303);
    page = await get('vanthu.xnk', `/can-bo/van-ban-di/${id}`);
    expect((await act('vanthu.xnk', id, { action: 'seal', version: version(page.html) })).status).toBe(303);
    page = await get('vanthu.xnk', `/can-bo/van-ban-di/${id}`);
    // A stale page's button: refused with the current state, nothing done.
    const stale = await act('vanthu.xnk', id, { action: 'release', version: '1' });
    expect(stale.status).toBe(409);
    const released = await act('vanthu.xnk', id, { action: 'release', version: version(page.html) });
    expect(released.status).toBe(303);
    page = await get('vanthu.xnk', `/can-bo/van-ban-di/${id}?done=release`);
    expect(page.html).toContain('01/BCT-XNK');
    expect(page.html).toContain('Đã phát hành');
    expect(page.html).toContain('Đang chờ gửi');

    const register = await get('vanthu.xnk', '/can-bo/van-ban-di/so');
    expect(register.status).toBe(200);
    expect(register.html).toContain('01/BCT-XNK');
    const file = await get('vanthu.xnk', `/can-bo/van-ban-di/so/tai-ve?format=pdf`);
    expect(file.type).toBe('application/pdf');
  }, 180_000);
});
