/**
 * Folds Vietnamese text for search: lower case, diacritics removed, đ → d, spaces collapsed.
 * Done in the application rather than with PostgreSQL's unaccent so the stored column and
 * the query are folded by the same function on both databases.
 */
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}.]+/gu, ' ')
    .trim();
}
