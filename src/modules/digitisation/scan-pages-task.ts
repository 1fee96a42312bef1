import { AppError } from '../../platform/errors.ts';
import { assemblePdf, countPages, type PagePick, type PageSource } from '../../platform/ocr/index.ts';
import { workerTask } from '../../platform/workers/pool.ts';

/**
 * Counting and assembling a scan's pages parses whole files with pdf-lib (100–250 ms for a
 * 6 MB scan, measured by `npm run bench -- --ocr`): on the event loop that stalls every other
 * request, so they run on a worker thread (`ctx.workers`), taking and returning plain data.
 */
export const countScanPages = (src: PageSource): Promise<number> => countPages(src);
export const assembleScanPdf = (sources: PageSource[], picks: PagePick[]): Promise<Uint8Array> => assemblePdf(sources, picks);

export const COUNT_PAGES = workerTask<typeof countScanPages>(new URL('./scan-pages-task.ts', import.meta.url), 'countScanPages');
export const ASSEMBLE_PDF = workerTask<typeof assembleScanPdf>(new URL('./scan-pages-task.ts', import.meta.url), 'assembleScanPdf');

/** Generous: a 200-page scan of large photographs; the bound is for files built to exhaust the worker. */
export const SCAN_TASK_TIMEOUT_MS = 120_000;

export const scanTooComplex = () =>
  new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quét quá phức tạp để ghép trang', en: 'The scanned files are too complex to assemble' }, [
    { path: 'file', message: 'Tệp quét quá phức tạp để ghép trang', messageEn: 'too complex to assemble' },
  ]);
