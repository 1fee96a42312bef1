export { renderDocument, MM, type Block, type Column, type DocumentSpec, type Field, type HeaderSpec, type Signer } from './document.ts';
export { qrPayload, type QrData } from './qr.ts';
export { finishedLate, longDate, longDateTime, localDayOf, placeDate, shortDate, shortDateTime, type LocalDay, type When } from './dates.ts';
export type { Align, Run, RichText } from './text.ts';
