import ExcelJS from 'exceljs';

/**
 * A table people keep, as an XLSX workbook: one sheet, a bold header row frozen at the top,
 * numbers stored as numbers (so a leader can sum and sort them in Excel), dates as dates,
 * column widths fitted to the content, and an optional bold total row.
 */
export interface TableColumn {
  header: string;
  /** Excel number format, e.g. '#,##0' or '0.0"%"'; text columns leave it out. */
  numFmt?: string;
}

export type TableCell = string | number | Date | null;

export interface TableWorkbook {
  /** At most 31 characters, without : \ / ? * [ ] (Excel's rule); longer names are cut. */
  sheetName: string;
  /** A title written above the table (the report's name, the unit, the period). */
  title?: string;
  columns: TableColumn[];
  rows: TableCell[][];
  total?: TableCell[];
}

export async function tableWorkbook(t: TableWorkbook): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'congso';
  // Fixed so the same table always gives the same bytes.
  wb.created = wb.modified = new Date(0);
  const ws = wb.addWorksheet(t.sheetName.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: t.title ? 2 : 1 }] });
  if (t.title) {
    const r = ws.addRow([t.title]);
    r.font = { bold: true, size: 13 };
  }
  const head = ws.addRow(t.columns.map((c) => c.header));
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', wrapText: true };
  for (const row of t.rows) ws.addRow(row);
  if (t.total) ws.addRow(t.total).font = { bold: true };
  t.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    if (c.numFmt) col.numFmt = c.numFmt;
    const longest = Math.max(c.header.length, ...[...t.rows, t.total ?? []].map((r) => String(r[i] ?? '').length));
    col.width = Math.min(60, Math.max(8, longest + 2));
  });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
