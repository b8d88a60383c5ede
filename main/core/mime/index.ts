// The MIME module: summaries for every caught message, full parses on demand, and part
// downloads. See tree-types.ts for how the part tree maps onto IMAP section numbers.

export { summarizeMessage, type MessageSummaryFields } from './summarize.js';
export { parseMessage, type ParsedMessage } from './parse.js';
export { extractPart, findPart, resolveCidMap, type ExtractedPart } from './part-access.js';
export { safeFilename } from './safe-filename.js';
export type { EncapsulatedMessage, MimeTreeNode } from './tree-types.js';
