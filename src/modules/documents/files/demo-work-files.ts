import type { Ctx } from '../../../platform/context.ts';
import type { Principal, StaffRole } from '../../../platform/auth/roles.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { searchDocuments } from '../search/search-documents.ts';
import { changeFile } from './change-file.ts';
import { createFile } from './create-file.ts';
import { todayOf } from './file-store.ts';

/** The demo's keeper: the clerk of the Department of Export and Import (000.05.00.G12). */
const KEEPER = 'vanthu.xnk';
const UNIT = '000.05.00.G12';

/**
 * Two work files of the Department of Export and Import, kept by its clerk: this year's file of
 * export inspections, holding up to five of the department's newest documents already in the
 * search index (none when the demo has no documents yet: the file is then empty), and last
 * year's report file, still open, so it is due for the archive at the end of this year (the
 * list's warning shows in December).
 */
export async function loadDemoWorkFiles(ctx: Ctx, log: (msg: string) => void = () => {}): Promise<void> {
  const s = (await listStaff(ctx)).find((x) => x.username === KEEPER);
  if (!s) return;
  const keeper: Principal = {
    kind: 'staff',
    id: s.id,
    username: s.username,
    name: s.fullName,
    roles: s.roles.map((r) => ({ role: r.role as StaffRole, unitId: r.unitId })),
  };
  const year = Number(todayOf(ctx).slice(0, 4));
  const current = await createFile(ctx, keeper, {
    unitId: UNIT,
    code: '01.XNK',
    title: `Hồ sơ kiểm tra hàng hóa xuất khẩu năm ${year}`,
    year,
    retentionYears: 10,
  });
  await createFile(ctx, keeper, {
    unitId: UNIT,
    code: '05.XNK',
    title: `Báo cáo tình hình xuất nhập khẩu năm ${year - 1}`,
    year: year - 1,
    retentionYears: null,
  });
  const docs = await searchDocuments(ctx, keeper, { q: '', page: 1, pageSize: 5 });
  let version = current.version;
  for (const d of docs.items) version = (await changeFile(ctx, keeper, current.id, { action: 'add', version, kind: d.kind, documentId: d.id })).version;
  log(`demo: 2 work files, ${docs.items.length} documents filed`);
}
