/**
 * What a filed e-form and its components look like to a reader. The walk over the schema
 * lives with the e-form's validation (src/modules/dossiers/eform.ts), because form 01 (a PDF
 * the dossiers module issues) prints the same labelled values; pages take it from here.
 */
export { viewEForm, eformLines, displayValue, type EFormEntry } from '../modules/dossiers/eform.ts';

/** A component as the procedure names it (its document), whatever name the filing stored (often the file's). */
export function componentName(
  proc: { cases: { components: { code: string | null; name: string }[] }[] } | null | undefined,
  c: { code: string | null; name: string },
): string {
  const named = c.code ? proc?.cases.flatMap((x) => x.components).find((x) => x.code === c.code)?.name : undefined;
  return named ?? c.name;
}

/** The file's name, when it says something the document's name does not. */
export function fileNameIfDifferent(name: string, fileName: string | null | undefined): string | null {
  if (!fileName) return null;
  return fileName.trim().toLowerCase() === name.trim().toLowerCase() ? null : fileName;
}
