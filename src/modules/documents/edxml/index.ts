/** The EDXML codec: what the documents module's other parts (outgoing, incoming, exchange) use. */
export { buildEdxml } from './build-edxml.ts';
export { codeOf, documentIdOf, documentIdParts, EDXML_NS, fromWireDate, fromWireTimestamp, toWireDate, toWireTimestamp, vietnamNow } from './contract.ts';
export * from './model.ts';
export { EDXML_DEFAULT_LIMITS, type EdxmlLimits, parseEdxml } from './parse-edxml.ts';
export { signEdxml } from './sign-edxml.ts';
