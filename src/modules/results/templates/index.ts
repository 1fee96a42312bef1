export { renderResult, resultSpec, type PlacementRect, type RenderResultOptions, type RenderedResult } from './render-result.ts';
export type * from './types.ts';
export { ResultDocumentData, resultDocumentSchema } from './types.ts';
