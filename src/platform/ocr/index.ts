/**
 * Text recognition of scans (issue 13): page assembly from PDF, TIFF, JPEG and PNG files,
 * thumbnails, and ocrmypdf with Tesseract's Vietnamese data in child processes. The outside
 * programs are Debian's (ocrmypdf, tesseract-ocr-vie, poppler-utils, img2pdf); nothing here
 * runs them at import, so a machine without them starts and `ocrAvailable` says so.
 */
export { ocrTools, ocrAvailable, forgetOcrTools, missingOcrPackages, ocrUnavailable, requireOcrTools, type OcrTools } from './probe.ts';
export { ASSEMBLE_LIMITS, assemblePdf, countPages, sniffPageKind, type PageKind, type PagePick, type PageSource } from './assemble.ts';
export { OCR_DEFAULTS, ocrmypdfArgs, renderThumbnail, runOcr, type OcrOptions, type OcrPage, type OcrProgress, type OcrResult } from './run-ocr.ts';
