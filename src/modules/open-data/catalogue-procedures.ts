import type { Ctx } from '../../platform/context.ts';
import { type ProcedureSummary, searchProcedures } from '../catalog/search-procedures.ts';
import { remember } from './remember.ts';

/** The catalogue's own page size limit. */
const PAGE = 100;
/** A catalogue far larger than any ministry's stops here rather than holding a request for ever. */
const MAX_PAGES = 200;

/**
 * Every procedure in force, in the catalogue's order (name), read page by page through the
 * catalogue's search; kept a minute. The statistics name procedures and group them by field
 * with it.
 */
export function catalogueProcedures(ctx: Ctx): Promise<ProcedureSummary[]> {
  return remember(ctx, 'catalogue', 60_000, async () => {
    const out: ProcedureSummary[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const r = await searchProcedures(ctx, { page, pageSize: PAGE });
      out.push(...r.items);
      if (r.items.length < PAGE || out.length >= r.total) break;
    }
    return out;
  });
}
