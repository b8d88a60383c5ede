// The fields a message list needs, computed for every message that is caught. It splits the
// structure (a scan for boundaries) and decodes headers and the start of one text part only.

import type { MessageSummary } from '../../../shared/types.js';
import { findAttachmentParts, findBodyParts, isInlinePart } from './body-parts.js';
import { readEnvelopeFields } from './envelope-fields.js';
import { makeSnippet } from './snippet.js';
import { readStructure, type Structure } from './structure.js';

export type MessageSummaryFields = Pick<
  MessageSummary,
  'from' | 'to' | 'cc' | 'subject' | 'messageId' | 'date' | 'attachmentCount' | 'snippet' | 'warnings'
>;

/**
 * Summary fields of a raw message. Synchronous; never throws. `attachmentCount` counts the
 * parts offered as downloads, leaving out inline ones such as images an HTML body shows.
 */
export function summarizeMessage(raw: Buffer): MessageSummaryFields {
  try {
    return summarizeStructure(raw, readStructure(raw, { details: false }));
  } catch (err) {
    return { ...emptySummary(), warnings: [internalErrorWarning(err)] };
  }
}

export function summarizeStructure(raw: Buffer, structure: Structure): MessageSummaryFields {
  const warnings = [...structure.warnings];
  const envelope = readEnvelopeFields(structure.rootFields, warnings);
  return {
    ...envelope,
    attachmentCount: findAttachmentParts(structure.tree).filter((n) => !isInlinePart(n)).length,
    snippet: makeSnippet(raw, findBodyParts(structure.tree)),
    warnings,
  };
}

export function emptySummary(): MessageSummaryFields {
  return { from: null, to: [], cc: [], subject: '', messageId: null, date: null, attachmentCount: 0, snippet: '', warnings: [] };
}

/**
 * The parser is meant to read any input; this is the last line of defence for a bug, so that
 * one odd message cannot break capture. Tests assert it never appears.
 */
export const INTERNAL_ERROR = 'internal error while parsing';

export function internalErrorWarning(err: unknown): string {
  return `${INTERNAL_ERROR}: ${err instanceof Error ? err.message : String(err)}`;
}
