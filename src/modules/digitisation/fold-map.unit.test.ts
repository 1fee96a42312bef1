import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { foldInsensitivePattern, foldWithMap, originalOf } from './fold-map.ts';
import { emptyMetadata } from './metadata-fields.ts';
import { queryWords, snippetOf } from './search-digitised.ts';

describe('folding with a map back to the original', () => {
  it('folds Vietnamese one letter for one letter when the text is composed (NFC)', () => {
    const f = foldWithMap('Đơn đề nghị');
    expect(f.folded).toBe('don de nghi');
    expect(f.origin).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('maps decomposed text (NFD, as some OCR writes it) back to whole letters, marks included', () => {
    const source = 'Giấy phép'.normalize('NFD'); // ấ is a + circumflex + acute: three UTF-16 units
    const f = foldWithMap(source);
    expect(f.folded).toBe('giay phep');
    expect(source.length).toBe(12);
    const at = f.folded.indexOf('giay');
    expect(originalOf(f, at, at + 4)).toBe('Giấy'.normalize('NFD'));
    expect(originalOf(f, 5, 9)).toBe('phép'.normalize('NFD'));
  });

  it('folds the same words as foldVietnamese, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const words = foldWithMap(s.normalize('NFC'), 'space').folded.split(/\s+/).filter(Boolean).join(' ');
        // foldVietnamese removes only the combining marks of Latin letters; compare on text with no others.
        if (/[^\u0020-\u036f\u1e00-\u1eff\s]/u.test(s)) return;
        expect(words).toBe(foldVietnamese(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a folded word in unfolded text, at word starts only', () => {
    const re = new RegExp(foldInsensitivePattern('ruou', false), 'giu');
    expect('Rượu vang; RƯỢU; ruou; rượu'.normalize('NFD').match(re)?.length).toBe(4);
    expect('cướp rượuvang'.match(re)).toBeNull();
    expect('ĐẠI LÝ'.match(new RegExp(foldInsensitivePattern('dai', true), 'giu'))?.[0]).toBe('ĐẠI');
  });
});

describe('snippets', () => {
  it('cuts the text around the first match, keeps it as written, and gives offsets into the snippet', () => {
    const text = `${'Lời mở đầu dài dòng '.repeat(10)}Cấp cho: Công ty Cổ phần Rượu Kinh Bắc. Hết.`;
    const s = snippetOf(text, emptyMetadata(), queryWords('ruou kinh bac'))!;
    expect(s.from).toBe('text');
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(['Rượu', 'Kinh', 'Bắc']);
    expect(s.marked.endsWith('«Rượu» «Kinh» «Bắc». Hết.')).toBe(true);
  });

  it('gives offsets on decomposed text that point at whole letters', () => {
    const text = 'Giấy chứng nhận đủ điều kiện'.normalize('NFD');
    const s = snippetOf(text, emptyMetadata(), queryWords('dieu kien'))!;
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end).normalize('NFC'))).toEqual(['điều', 'kiện']);
  });

  it('falls back to the metadata when the words are only there', () => {
    const m = { ...emptyMetadata(), documentName: 'Giấy phép nhập khẩu', number: '12', notation: 'GP-XNK' };
    expect(snippetOf('văn bản khác', m, queryWords('nhap khau'))).toEqual({
      from: 'metadata',
      text: 'Giấy phép nhập khẩu · 12/GP-XNK',
      marked: 'Giấy phép «nhập» «khẩu» · 12/GP-XNK',
      highlights: [
        { start: 10, end: 14 },
        { start: 15, end: 19 },
      ],
    });
  });

  it('never throws and every highlight lies inside the snippet (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 600 }), fc.string({ unit: 'grapheme', maxLength: 30 }), (text, q) => {
        const s = snippetOf(text, emptyMetadata(), queryWords(q));
        for (const h of s?.highlights ?? []) {
          expect(h.start).toBeLessThan(h.end);
          expect(h.end).toBeLessThanOrEqual(s!.text.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
