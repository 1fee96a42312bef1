import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';
export type FontSet = Record<FontStyle, PDFFont>;

/**
 * The full Be Vietnam Pro TTFs. The @fontsource packages split the face into unicode-range
 * subsets, so a Vietnamese word would need glyphs from two files; these are whole fonts
 * (BRIEF §5), embedded subsetted so a one-page form stays small.
 */
const FILES: Record<FontStyle, string> = {
  regular: '@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf',
  bold: '@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf',
  italic: '@expo-google-fonts/be-vietnam-pro/400Regular_Italic/BeVietnamPro_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/be-vietnam-pro/700Bold_Italic/BeVietnamPro_700Bold_Italic.ttf',
};

const require = createRequire(import.meta.url);
let bytes: Promise<Record<FontStyle, Uint8Array>> | undefined;

function loadBytes(): Promise<Record<FontStyle, Uint8Array>> {
  bytes ??= (async () => {
    const entries = await Promise.all(
      (Object.keys(FILES) as FontStyle[]).map(async (s) => [s, new Uint8Array(await readFile(require.resolve(FILES[s])))] as const),
    );
    return Object.fromEntries(entries) as Record<FontStyle, Uint8Array>;
  })();
  // A failed read must not poison every later render: forget it and let the error surface.
  bytes.catch(() => {
    bytes = undefined;
  });
  return bytes;
}

export async function embedFonts(doc: PDFDocument): Promise<FontSet> {
  doc.registerFontkit(fontkit);
  const b = await loadBytes();
  // Ligatures off: pdftotext and screen readers must get back the letters that were written,
  // and "fi" drawn as one glyph would be a different string to copy and search.
  const opts = { subset: true, features: { liga: false } };
  const [regular, bold, italic, boldItalic] = await Promise.all([
    doc.embedFont(b.regular, opts),
    doc.embedFont(b.bold, opts),
    doc.embedFont(b.italic, opts),
    doc.embedFont(b.boldItalic, opts),
  ]);
  return { regular, bold, italic, boldItalic };
}

export const styleOf = (bold?: boolean, italic?: boolean): FontStyle => (bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular');
