import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldVietnamese } from './normalize.ts';

// An independent reference: a table of every Vietnamese letter with a diacritic.
const TABLE: Record<string, string> = {};
const groups: [string, string][] = [
  ['a', 'àáảãạăằắẳẵặâầấẩẫậ'],
  ['e', 'èéẻẽẹêềếểễệ'],
  ['i', 'ìíỉĩị'],
  ['o', 'òóỏõọôồốổỗộơờớởỡợ'],
  ['u', 'ùúủũụưừứửữự'],
  ['y', 'ỳýỷỹỵ'],
  ['d', 'đ'],
];
for (const [base, letters] of groups)
  for (const ch of letters) {
    TABLE[ch] = base;
    TABLE[ch.toUpperCase()] = base;
  }
const reference = (s: string) => [...s].map((c) => TABLE[c] ?? c.toLowerCase()).join('');
const vietnameseWord = fc
  .array(fc.constantFrom(...'abcdeghiklmnopqrstuvxyĐđ'.split(''), ...Object.keys(TABLE)), { minLength: 1, maxLength: 12 })
  .map((a) => a.join(''));

describe('foldVietnamese', () => {
  it('matches the reference table on Vietnamese words, composed or decomposed', () => {
    fc.assert(
      fc.property(fc.array(vietnameseWord, { minLength: 1, maxLength: 6 }), (words) => {
        const s = words.join(' ');
        expect(foldVietnamese(s)).toBe(reference(s));
        expect(foldVietnamese(s.normalize('NFD'))).toBe(reference(s));
      }),
    );
  });

  it('is idempotent and ignores case', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const f = foldVietnamese(s);
        expect(foldVietnamese(f)).toBe(f);
        expect(foldVietnamese(s.toUpperCase())).toBe(foldVietnamese(s.toLowerCase()));
      }),
    );
  });

  it('folds the examples of the brief', () => {
    expect(foldVietnamese('ĐĂNG KÝ KHAI SINH')).toBe('dang ky khai sinh');
    expect(foldVietnamese('Đăng ký  khai sinh!')).toBe('dang ky khai sinh');
  });
});
