/**
 * An amount of đồng in Vietnamese words, as receipts and payment orders print it under the
 * figures ("Số tiền bằng chữ"): "Một triệu không trăm linh năm nghìn đồng".
 *
 * The reading is the standard northern one that accounting documents use:
 * - tens: "mười" for 1x, "mươi" after a digit (20 → "hai mươi");
 * - a final 1 after "mươi" is "mốt" (21 → "hai mươi mốt"), but "một" after "mười" and alone;
 * - a final 5 after "mười" or "mươi" is "lăm" (15, 25), but "năm" alone and after "linh";
 * - a final 4 stays "bốn" (24 → "hai mươi bốn"): "tư" is colloquial, and a receipt avoids it;
 * - a zero tens digit between hundreds and units is "linh" (105 → "một trăm linh năm");
 * - a group of three digits after a higher one is read in full, "không trăm" included
 *   (1 005 000 → "một triệu không trăm linh năm nghìn"), so no digit can be misread; a group
 *   that is all zeros is left out (1 000 000 → "một triệu", not "một triệu không nghìn");
 * - "tỷ" (the spelling of the State Bank and the Ministry of Finance, not "tỉ") for 10⁹.
 */

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;
/** The scale word of each group of three digits, from the lowest. */
const SCALES = ['', 'nghìn', 'triệu', 'tỷ'] as const;
const GROUP = 1000;
/** The largest amount read: 999 tỷ …, the range of the ledger's amounts (issue 14). */
export const MAX_VND_IN_WORDS = 999_999_999_999;

/** The words of one group (1 … 999); `inner` when a higher group came before it. */
function groupWords(n: number, inner: boolean): string[] {
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor(n / 10) % 10;
  const units = n % 10;
  const words: string[] = [];
  const hasHundreds = inner || hundreds > 0;
  if (hasHundreds) words.push(DIGITS[hundreds], 'trăm');
  if (tens === 0) {
    if (units > 0) {
      if (hasHundreds) words.push('linh');
      words.push(DIGITS[units]);
    }
    return words;
  }
  words.push(...(tens === 1 ? ['mười'] : [DIGITS[tens], 'mươi']));
  if (units === 1) words.push(tens === 1 ? 'một' : 'mốt');
  else if (units === 5) words.push('lăm');
  else if (units > 0) words.push(DIGITS[units]);
  return words;
}

/**
 * "Một triệu không trăm linh năm nghìn đồng"; 0 → "Không đồng". A RangeError for a
 * non-integer or an amount outside 0 … 999 999 999 999: an amount of money is whole đồng,
 * and a receipt that printed a wrong reading is worse than one that was not printed.
 */
export function vndInWords(amount: number): string {
  if (!Number.isInteger(amount) || amount < 0 || amount > MAX_VND_IN_WORDS)
    throw new RangeError(`not a whole amount of đồng in 0 … ${MAX_VND_IN_WORDS}: ${amount}`);
  const words: string[] = [];
  if (amount === 0) words.push(DIGITS[0]);
  else {
    const groups: number[] = [];
    for (let rest = amount; rest > 0; rest = Math.floor(rest / GROUP)) groups.push(rest % GROUP);
    for (let i = groups.length - 1; i >= 0; i--) {
      if (groups[i] === 0) continue;
      words.push(...groupWords(groups[i], i < groups.length - 1));
      if (SCALES[i]) words.push(SCALES[i]);
    }
  }
  words.push('đồng');
  const text = words.join(' ');
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}
