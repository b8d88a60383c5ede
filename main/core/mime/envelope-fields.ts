// The originator, destination and identification fields a message list shows
// (RFC 5322 §3.6), decoded for display.

import { parseAddressHeader } from 'mailparser';
import type { Address, MessageSummary } from '../../../shared/types.js';
import { allValues, decodeWords, detach, excerpt, firstValue, type HeaderField } from './header-block.js';

export type EnvelopeFields = Pick<MessageSummary, 'from' | 'to' | 'cc' | 'subject' | 'messageId' | 'date'>;

export function readEnvelopeFields(fields: readonly HeaderField[], warnings: string[]): EnvelopeFields {
  const from = readAddresses(allValues(fields, 'from'), 'From', warnings);
  return {
    from: from[0] ?? null,
    to: readAddresses(allValues(fields, 'to'), 'To', warnings),
    cc: readAddresses(allValues(fields, 'cc'), 'Cc', warnings),
    subject: detach(decodeWords(firstValue(fields, 'subject') ?? '')),
    messageId: detach(firstValue(fields, 'message-id')?.replace(/\s+/g, '') ?? '') || null,
    date: readDate(firstValue(fields, 'date'), warnings),
  };
}

/**
 * Address lists with groups flattened to their members (RFC 5322 §3.4). mailparser decodes the
 * display names after splitting the list, so an encoded name that hides a comma stays one name.
 */
function readAddresses(values: string[], label: string, warnings: string[]): Address[] {
  if (values.length === 0) return [];
  try {
    return parseAddressHeader(values, { flatten: true })
      .value.map((a) => ({ name: detach(a.name), address: detach(a.address ?? '') }))
      .filter((a) => a.name !== '' || a.address !== '');
  } catch {
    warnings.push(`the ${label} field cannot be read as an address list`);
    return [];
  }
}

/**
 * RFC 5322 §3.3 date-time, as an ISO string. V8's parser reads the RFC format and its obsolete
 * forms (zone names, comments, two-digit years); it also turns strings such as "1" into a
 * date, so a value without a time of day is refused, as the RFC requires one.
 */
function readDate(value: string | null, warnings: string[]): string | null {
  if (value === null) return null;
  const time = /\d:\d\d/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    warnings.push(`the Date field ${excerpt(value)} is not a date (RFC 5322 §3.3)`);
    return null;
  }
  return new Date(time).toISOString();
}
