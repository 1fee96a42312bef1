import QRCode from 'qrcode';
import { AppError } from '../errors.ts';

/**
 * What the QR code in the top-left corner holds (Circular 01/2023/TT-VPCP, BRIEF §2): at
 * least the dossier code, procedure code, applicant identifier and document name.
 */
export interface QrData {
  dossierCode: string;
  procedureCode: string;
  applicantId: string;
  documentName: string;
  /** More fields (e.g. `url` of the tracking page); they may not reuse the four keys. */
  extra?: Record<string, string | number | boolean>;
}

const RESERVED = ['ma', 'tt', 'nd', 'ten'];

/** The compact JSON string encoded in the QR code: `{"ma","tt","nd","ten",...extra}`. */
export function qrPayload(q: QrData): string {
  const extra = q.extra ?? {};
  const clash = Object.keys(extra).filter((k) => RESERVED.includes(k));
  if (clash.length)
    throw new AppError(
      'VALIDATION_FAILED',
      { vi: `Trường bổ sung của mã QR trùng tên trường chuẩn: ${clash.join(', ')}`, en: `Extra QR fields reuse reserved keys: ${clash.join(', ')}` },
      clash.map((k) => ({ path: `qr.extra.${k}`, message: 'Tên trường đã dành riêng', messageEn: 'Reserved key' })),
    );
  const nfc = (s: string) => s.normalize('NFC');
  const out: Record<string, string | number | boolean> = { ma: nfc(q.dossierCode), tt: nfc(q.procedureCode), nd: nfc(q.applicantId), ten: nfc(q.documentName) };
  for (const [k, v] of Object.entries(extra)) out[k] = typeof v === 'string' ? nfc(v) : v;
  return JSON.stringify(out);
}

/** The QR symbol as a square matrix of dark (true) and light modules, without quiet zone. */
export function qrMatrix(text: string): boolean[][] {
  // Level M survives a smudged or creased paper copy; the payload is small enough that the
  // symbol stays within version 10 or so.
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const rows: boolean[][] = [];
  for (let r = 0; r < n; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < n; c++) row.push(qr.modules.get(r, c) === 1);
    rows.push(row);
  }
  return rows;
}

/**
 * The dark modules as one SVG path (y grows downwards), one rectangle per horizontal run.
 * One path filled at once leaves no anti-aliasing seams between neighbouring modules, which
 * would otherwise make a scanner see light lines through the symbol.
 */
export function qrSvgPath(m: boolean[][], moduleSize: number): string {
  const parts: string[] = [];
  const f = (v: number) => Number(v.toFixed(3));
  m.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < row.length && row[c]) c++;
      parts.push(`M${f(start * moduleSize)} ${f(r * moduleSize)}h${f((c - start) * moduleSize)}v${f(moduleSize)}h${f(-(c - start) * moduleSize)}z`);
    }
  });
  return parts.join('');
}
