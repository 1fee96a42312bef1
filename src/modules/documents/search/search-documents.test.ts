import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../../test/helpers.ts';
import { indexDocument, type IndexedDocument } from './index-document.ts';
import type { DocumentSearchResult } from './schemas.ts';

const XNK_HN = '000.05.01.G12';
const XNK_HCM = '000.05.02.G12';

const DOCS: IndexedDocument[] = [
  {
    kind: 'incoming',
    id: 'doc-decision',
    unitId: XNK_HN,
    numberNotation: '05/QĐ-BCT',
    subject: 'Quyết định về việc kiểm tra hàng hóa xuất khẩu qua cửa khẩu Hữu Nghị',
    organ: 'Bộ Công Thương',
    date: '2026-03-02',
    text: 'Căn cứ Nghị định số 96/2022/NĐ-CP; xét đề nghị của Cục trưởng Cục Xuất nhập khẩu. Lô hàng thép cuộn cán nóng được kiểm tra tại kho ngoại quan.',
    status: 'registered',
  },
  {
    kind: 'outgoing',
    id: 'doc-meeting',
    unitId: XNK_HN,
    numberNotation: '112/TB-XNK',
    subject: 'Thông báo lịch họp giao ban tháng 3',
    organ: 'Cục Xuất nhập khẩu',
    date: '2025-12-30',
    text: 'Nội dung: rà soát công tác kiểm tra sau thông quan và kế hoạch tháng tới.',
    status: 'released',
  },
  {
    kind: 'incoming',
    id: 'doc-rice',
    unitId: XNK_HN,
    numberNotation: '88/CV-SCT',
    subject: 'Công văn về xuất khẩu gạo sang thị trường châu Âu',
    organ: 'Sở Công Thương An Giang',
    date: '2026-02-10',
    text: 'Đề nghị cấp giấy chứng nhận xuất xứ mẫu EUR.1 cho các lô gạo thơm.',
  },
  {
    kind: 'incoming',
    id: 'doc-other-unit',
    unitId: XNK_HCM,
    numberNotation: '07/QĐ-BCT',
    subject: 'Quyết định kiểm tra hàng hóa xuất khẩu tại cảng Cát Lái',
    organ: 'Bộ Công Thương',
    date: '2026-03-03',
    text: 'Lô hàng thép cuộn tại cảng.',
  },
];

let t: TestApp;
let specialist: string; // chuyenvien: specialist of 000.05.01.G12
let otherSpecialist: string; // chuyenvien.hcm: specialist of 000.05.02.G12
let auditor: string; // kiemtra: auditor of the whole ministry

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  await t.ctx.database.db.transaction().execute(async (tx) => {
    for (const d of DOCS) await indexDocument(tx, d);
  });
  [specialist, otherSpecialist, auditor] = await Promise.all([login(t, 'chuyenvien'), login(t, 'chuyenvien.hcm'), login(t, 'kiemtra')]);
});
afterAll(() => t?.close());

const search = async (token: string, query: Record<string, string>) => {
  const r = await api<DocumentSearchResult>(t, 'GET', `/api/v1/documents/search?${new URLSearchParams(query)}`, { token });
  expect(r.status).toBe(200);
  return r.body;
};
const ids = (r: DocumentSearchResult) => r.items.map((i) => i.id);

describe('document search', () => {
  it('finds a document by its Vietnamese subject typed without diacritics, best match first, with the words marked', async () => {
    const r = await search(specialist, { q: 'quyet dinh kiem tra hang hoa' });
    expect(ids(r)[0]).toBe('doc-decision');
    const hit = r.items[0];
    expect(hit).toMatchObject({ kind: 'incoming', numberNotation: '05/QĐ-BCT', organ: 'Bộ Công Thương', date: '2026-03-02', matchedWords: 6 });
    expect(hit.snippet?.from).toBe('metadata');
    const marked = hit.snippet!.highlights.map((h) => hit.snippet!.text.slice(h.start, h.end));
    expect(marked).toEqual(['Quyết', 'định', 'kiểm', 'tra', 'hàng', 'hóa']);
  });

  it('finds a document by a word only in its OCR text, the snippet from that text', async () => {
    const r = await search(specialist, { q: 'THEP CUON' });
    expect(ids(r)).toEqual(['doc-decision']);
    const s = r.items[0].snippet!;
    expect(s.from).toBe('text');
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(['thép', 'cuộn']);
  });

  it('ranks documents with more of the words, and metadata matches, above text-only ones', async () => {
    // Both contain "kiểm tra"; the decision has it in its subject, the notice only in its text.
    const r = await search(specialist, { q: 'kiểm tra' });
    expect(ids(r)).toEqual(['doc-decision', 'doc-meeting']);
    // Number and notation as typed, punctuation and all.
    expect(ids(await search(specialist, { q: '112/tb-xnk' }))[0]).toBe('doc-meeting');
    // The last word as a prefix, as it is typed.
    expect(ids(await search(specialist, { q: 'xuat xu' }))[0]).toBe('doc-rice');
  });

  it("never shows another unit's documents; officials above both see both", async () => {
    expect(ids(await search(specialist, { q: 'quyet dinh' }))).not.toContain('doc-other-unit');
    expect(ids(await search(otherSpecialist, { q: 'quyet dinh' }))).toEqual(['doc-other-unit']);
    expect(ids(await search(otherSpecialist, { q: 'thep' }))).toEqual(['doc-other-unit']);
    const all = await search(auditor, { q: 'quyet dinh kiem tra' });
    expect(ids(all).sort()).toEqual(['doc-decision', 'doc-meeting', 'doc-other-unit']);
  });

  it('filters by kind and year; an empty query lists the newest first', async () => {
    expect(ids(await search(specialist, { q: 'kiem tra', kind: 'outgoing' }))).toEqual(['doc-meeting']);
    expect(ids(await search(specialist, { q: '', year: '2026' }))).toEqual(['doc-decision', 'doc-rice']);
    const listed = await search(specialist, {});
    expect(ids(listed)).toEqual(['doc-decision', 'doc-rice', 'doc-meeting']);
    expect(listed.total).toBe(3);
  });

  it('indexing a document again replaces what the index held of it', async () => {
    await t.ctx.database.db
      .transaction()
      .execute((tx) => indexDocument(tx, { ...DOCS[2], subject: 'Công văn về xuất khẩu cà phê', text: 'Đề nghị hướng dẫn thủ tục.' }));
    expect(ids(await search(specialist, { q: 'gao' }))).toEqual([]);
    expect(ids(await search(specialist, { q: 'ca phe' }))).toEqual(['doc-rice']);
  });

  it('is for officials: citizens and others are refused', async () => {
    const r = await api(t, 'GET', '/api/v1/documents/search?q=x');
    expect(r.status).toBe(401);
  });
});
