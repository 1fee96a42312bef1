export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];
export { foldVietnamese } from './normalize.ts';

/** Picks the text for a language; pages pass both so a missing translation is a type error. */
export const pick = (lang: Lang, vi: string, en: string) => (lang === 'en' ? en : vi);

const dateFmt = { vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'medium' }), en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'medium' }) };
export const formatDateTime = (lang: Lang, d: Date | string) => dateFmt[lang].format(new Date(d));
const moneyFmt = new Intl.NumberFormat('vi-VN');
export const formatVnd = (v: number) => `${moneyFmt.format(v)} đ`;
