import fc from 'fast-check';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { localDayOf, longDate, longDateTime, placeDate, shortDateTime } from './dates.ts';
import { MM, renderDocument, type Block, type DocumentSpec } from './document.ts';
import { embedFonts } from './fonts.ts';
import { qrPayload } from './qr.ts';
import { decodeQr, pdfInfo, pdfPages, pdfText, pdfWords, squash } from './testing.ts';
import { Measurer, wordParts, wrap, type Line } from './text.ts';

const LETTERS = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ';
const DATE = new Date('2026-11-23T02:30:00Z');

function spec(body: Block[], over: Partial<DocumentSpec> = {}): DocumentSpec {
  return {
    qr: {
      dossierCode: '000.00.19.H26-261123-0042',
      procedureCode: '2.000815',
      applicantId: '001190012345',
      documentName: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      extra: { url: 'https://dichvucong.example.gov.vn/tra-cuu' },
      caption: ['Mã hồ sơ: 000.00.19.H26-261123-0042'],
    },
    header: { parentAgencies: ['Bộ Công Thương'], agency: 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội', number: '42/GTN-BPMC', place: 'Hà Nội', date: DATE },
    title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    body,
    ...over,
  };
}

describe('dates as documents print them', () => {
  it('writes the place and date line with the Decree 30 zeros', () => {
    expect(placeDate('Hà Nội', DATE)).toBe('Hà Nội, ngày 23 tháng 11 năm 2026');
    expect(longDate('2026-01-05')).toBe('ngày 05 tháng 01 năm 2026');
    expect(longDate('2026-02-28')).toBe('ngày 28 tháng 02 năm 2026');
    expect(longDate('2026-03-09')).toBe('ngày 09 tháng 3 năm 2026');
  });

  it('reads instants in Vietnam time (UTC+7)', () => {
    const lateEvening = new Date('2026-11-22T17:30:00Z');
    expect(localDayOf(lateEvening)).toBe('2026-11-23');
    expect(longDateTime(lateEvening)).toBe('00 giờ 30 phút, ngày 23 tháng 11 năm 2026');
    expect(shortDateTime(DATE)).toBe('09:30 23/11/2026');
    expect(longDateTime('2026-12-21')).toBe('ngày 21 tháng 12 năm 2026');
  });
});

describe('qrPayload', () => {
  it('puts the four required keys first, then the extras, in NFC', () => {
    const p = qrPayload({
      dossierCode: 'X-1',
      procedureCode: '1.001193',
      applicantId: '0011',
      documentName: 'Phiếu xin lỗi'.normalize('NFD'),
      extra: { url: 'https://a.vn' },
    });
    expect(p).toBe('{"ma":"X-1","tt":"1.001193","nd":"0011","ten":"Phiếu xin lỗi","url":"https://a.vn"}');
  });

  it('refuses extras that would overwrite a required key', () => {
    const err = (() => {
      try {
        qrPayload({ dossierCode: 'X', procedureCode: 'Y', applicantId: 'Z', documentName: 'N', extra: { ma: 'other' } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    expect((err as AppError).details?.[0].path).toBe('qr.extra.ma');
  });
});

describe('wrap', () => {
  let m: Measurer;
  beforeAll(async () => {
    m = new Measurer(await embedFonts(await PDFDocument.create()));
  });
  const textOf = (l: Line) => l.items.map((i) => (i.kind === 'box' ? i.pieces.map((p) => p.text).join('') : '')).join('');
  const word = fc
    .array(fc.constantFrom(...'abcdeghiklmnopqrstuvxy-/'.split(''), ...LETTERS.split(''), ...LETTERS.toUpperCase().split('')), { minLength: 1, maxLength: 30 })
    .map((a) => a.join(''));

  it('keeps every letter, fits the width, and breaks only where the next word does not fit', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), fc.integer({ min: 20, max: 400 }), fc.boolean(), (words, width, decompose) => {
        const input = words.join(' ');
        const lines = wrap(decompose ? input.normalize('NFD') : input, width, 11, m);
        expect(lines.map(textOf).join('')).toBe(input.normalize('NFC').replace(/ /g, ''));
        const space = m.width(' ', 'regular', 11);
        // Break opportunities: spaces, and after "-" or "/" inside a word. Map each part to
        // where it starts in the text without spaces.
        const parts = new Map<number, string>();
        let offset = 0;
        for (const w of input.split(' '))
          for (const part of wordParts(w)) {
            parts.set(offset, part);
            offset += part.length;
          }
        let at = 0;
        lines.forEach((l, i) => {
          const onlyOneLetter = l.items.length === 1 && [...textOf(l)].length === 1;
          if (!onlyOneLetter) expect(l.width).toBeLessThanOrEqual(width + 1e-6);
          expect(l.items[0]?.kind).not.toBe('glue');
          expect(l.items[l.items.length - 1]?.kind).not.toBe('glue');
          at += textOf(l).length;
          // Greedy: a line ends early only if the next part would not have fitted on it, or
          // is wider than a whole line (then it starts a line of its own and is cut there).
          const nextPart = parts.get(at);
          if (lines[i + 1] && nextPart !== undefined) {
            const w = m.width(nextPart, 'regular', 11);
            expect(l.width + space + w > width - 1e-6 || w > width).toBe(true);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('breaks codes after a hyphen or slash, but keeps short abbreviations whole', () => {
    expect(wordParts('000.00.19.H26-261123-0042')).toEqual(['000.00.19.H26-', '261123-', '0042']);
    expect(wordParts('42/GTN-BPMC')).toEqual(['42/GTN-', 'BPMC']);
    expect(wordParts('(C/O)')).toEqual(['(C/O)']);
    expect(wordParts('Ông/Bà')).toEqual(['Ông/Bà']);
    expect(wordParts('23/11/2026')).toEqual(['23/11/2026']);
    expect(wordParts('QĐ-UBND/BPMC')).toEqual(['QĐ-UBND/', 'BPMC']);
    const lines = wrap('Mã hồ sơ 000.00.19.H26-261123-0042', 100, 11, m);
    expect(lines.map(textOf)).toEqual(['Mãhồsơ', '000.00.19.H26-', '261123-0042']);
  });

  it('gives the first line its own width (first-line indent)', () => {
    const text = Array.from({ length: 60 }, (_, i) => `từ${i}`).join(' ');
    const lines = wrap(text, 300, 11, m, {}, 250);
    expect(lines[0].width).toBeLessThanOrEqual(250);
    expect(lines[1].width).toBeGreaterThan(250);
  });
});

describe('renderDocument', () => {
  // Every Vietnamese letter, in words short enough never to be cut between letters.
  const letterWords = (s: string) => s.match(/.{1,10}/gu)!.join(' ');
  const paragraph = `Tiếng Việt có đủ các dấu: ${letterWords(LETTERS)} ${letterWords(LETTERS.toUpperCase())}. Đặng Văn Ưởng, Nguyễn Thị Ấn.`;

  it('writes the national header, title and text back exactly, in NFC', async () => {
    const bytes = await renderDocument(
      spec([
        { kind: 'paragraph', text: paragraph.normalize('NFD') },
        {
          kind: 'fields',
          items: [
            { label: 'Họ và tên', value: 'Nguyễn Thị Ấn', bold: true },
            [
              { label: 'Số điện thoại', value: '0912 345 678' },
              { label: 'Email', value: '' },
            ],
          ],
        },
        { kind: 'signature', signer: { title: 'Người tiếp nhận hồ sơ', name: 'Đặng Văn Ưởng' }, recipients: ['Như trên;', 'Lưu: VT.'] },
      ]),
    );
    const layout = await pdfText(bytes);
    for (const line of [
      'BỘ CÔNG THƯƠNG',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 42/GTN-BPMC',
      'Hà Nội, ngày 23 tháng 11 năm 2026',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'Họ và tên: Nguyễn Thị Ấn',
      'Số điện thoại: 0912 345 678',
      'Email: ……',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      '(Ký và ghi rõ họ tên)',
      'Đặng Văn Ưởng',
      'Nơi nhận:',
      '- Như trên;',
    ])
      expect(layout.normalize('NFC')).toContain(line);
    expect(layout).toBe(layout.normalize('NFC'));
    const reading = squash(await pdfText(bytes, { mode: 'raw' }));
    expect(reading).toContain(squash(paragraph));
    expect(reading).toContain('PHÒNG QUẢN LÝ XUẤT NHẬP KHẨU KHU VỰC HÀ NỘI');
  });

  it('sets the metadata and the language, and is byte-for-byte deterministic', async () => {
    const s = spec([{ kind: 'paragraph', text: paragraph }], { meta: { subject: 'Hồ sơ 000.00.19.H26-261123-0042' } });
    const a = await renderDocument(s);
    const b = await renderDocument(s);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const later = await renderDocument({ ...s, header: { ...s.header, date: new Date('2026-11-24T02:30:00Z') } });
    expect(Buffer.from(a).equals(Buffer.from(later))).toBe(false);

    const info = await pdfInfo(a);
    expect(info.Title).toBe('Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
    expect(info.Author).toBe('Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội');
    expect(info.Subject).toBe('Hồ sơ 000.00.19.H26-261123-0042');
    expect(info.Producer).toBe('congso');
    expect(info.Creator).toBe('congso');
    expect(info.CreationDate).toBe('2026-11-23T02:30:00Z');
    expect(info['Page size']).toContain('595.28 x 841.89');
    const doc = await PDFDocument.load(a, { updateMetadata: false });
    expect(doc.catalog.lookup(PDFName.of('Lang'), PDFString).decodeText()).toBe('vi');
  });

  it('puts a decodable QR code in the top-left corner, clear of every word', async () => {
    const bytes = await renderDocument(spec([{ kind: 'paragraph', text: paragraph }]));
    const { width, height, words } = await pdfWords(bytes, 1);
    const expected = {
      ma: '000.00.19.H26-261123-0042',
      tt: '2.000815',
      nd: '001190012345',
      ten: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      url: 'https://dichvucong.example.gov.vn/tra-cuu',
    };
    const quarter = await decodeQr(bytes, { x: 0, y: 0, width: width / 2, height: height / 2 });
    expect(quarter.map((q) => JSON.parse(q))).toEqual([expected]);
    // Above the header and left of the caption: the code decodes from the region that ends
    // where the first header word and the caption begin.
    const headerTop = Math.min(...words.filter((w) => w.text === 'CỘNG' || w.text === 'BỘ').map((w) => w.yMin));
    const captionLeft = Math.min(...words.filter((w) => w.yMax < headerTop).map((w) => w.xMin));
    expect(await decodeQr(bytes, { x: 0, y: 0, width: captionLeft - 1, height: headerTop - 1 })).toHaveLength(1);
    // And the rest of the page holds no code.
    expect(await decodeQr(bytes, { x: 0, y: headerTop, width, height: height - headerTop })).toEqual([]);
  });

  it('flows long text over pages inside the margins, numbering pages from the second', async () => {
    const sentences = Array.from(
      { length: 120 },
      (_, i) => `Câu số ${i + 1} gửi Ông/Bà về hồ sơ 000.00.19.H26-261123-${String(i).padStart(4, '0')}: ${paragraph}`,
    );
    const bytes = await renderDocument(
      spec(
        sentences.map((s) => ({ kind: 'paragraph', text: s, firstLineIndent: 10 }) as Block),
        { pageNumbers: 'top' },
      ),
    );
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(3);
    for (let i = 1; i < pages.length; i++) expect(pages[i].trimStart().split('\n')[0].trim()).toBe(String(i + 1));
    // Page numbers are drawn last on each page, so in content order they end the page's text.
    const rawPages = await pdfPages(bytes, 'raw');
    const raw = rawPages
      .map((p, i) => (i === 0 ? p : p.trimEnd().replace(new RegExp(`\\n${i + 1}$`), '')))
      .join('')
      .normalize('NFC')
      .replace(/\s/g, '');
    let at = 0;
    for (const s of sentences) {
      const pos = raw.indexOf(s.normalize('NFC').replace(/\s/g, ''), at);
      expect(pos, s.slice(0, 12)).toBeGreaterThanOrEqual(at);
      at = pos;
    }
    for (let p = 1; p <= pages.length; p++) {
      const { width, height, words } = await pdfWords(bytes, p);
      const body = words.filter((w) => !(p > 1 && w.yMax < 20 * MM));
      for (const w of body) {
        expect(w.xMin).toBeGreaterThanOrEqual(20 * MM - 0.5);
        expect(w.xMax).toBeLessThanOrEqual(width - 20 * MM + 0.5);
        expect(w.yMax).toBeLessThanOrEqual(height - 20 * MM + 0.5);
      }
    }
  });

  it('repeats the table header on every page and keeps the rows in order', async () => {
    const rows = Array.from({ length: 90 }, (_, i) => [
      String(i + 1),
      `Hồ sơ ${String(i + 1).padStart(3, '0')} của Đặng Văn Ưởng`,
      i % 2 ? 'Đúng hạn' : 'Trễ hạn 2 ngày',
    ]);
    const bytes = await renderDocument(
      spec(
        [
          {
            kind: 'table',
            numbered: true,
            columns: [
              { header: 'STT', width: 1, align: 'center' },
              { header: 'Nội dung hồ sơ', width: 6 },
              { header: 'Kết quả xử lý', width: 3 },
            ],
            rows,
          },
        ],
        { pageNumbers: 'bottom' },
      ),
    );
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(2);
    const seen: number[] = [];
    pages.forEach((p, i) => {
      expect(p).toMatch(/STT\s+Nội dung hồ sơ\s+Kết quả xử lý/);
      expect(p).toMatch(/\(1\)\s+\(2\)\s+\(3\)/);
      expect(p).toContain(`Trang ${i + 1}/${pages.length}`);
      for (const m of p.matchAll(/Hồ sơ (\d{3}) của Đặng Văn Ưởng/g)) seen.push(Number(m[1]));
    });
    expect(seen).toEqual(rows.map((_, i) => i + 1));
  });

  it('refuses a table row with the wrong number of cells', async () => {
    await expect(
      renderDocument(
        spec([
          {
            kind: 'table',
            columns: [
              { header: 'A', width: 1 },
              { header: 'B', width: 1 },
            ],
            rows: [['1', '2'], ['3']],
          },
        ]),
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'body[0].rows[1]' }],
    });
  });
});
