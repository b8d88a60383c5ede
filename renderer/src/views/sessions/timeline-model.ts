// Sizes and labels of timeline rows. Rows are fixed-height; an expanded row adds the height of
// its detail lines, computed here from the event so the list can place rows without measuring.
import type { ExchangeEvent, TimelineEvent } from '../../../../shared/types';
import { tlsDetailLines } from './TlsDetail';

export const TIMELINE_ROW_HEIGHT = 26;
export const DETAIL_LINE_HEIGHT = 18;
const DETAIL_PADDING = 12;
/** The payload preview box scrolls inside this many lines. */
export const PAYLOAD_BOX_LINES = 14;

export function detailLines(e: TimelineEvent): number {
  switch (e.kind) {
    case 'exchange': {
      const replyLines = e.replies.reduce((n, r) => n + r.lines.length, 0);
      return (e.command ? 1 : 0) + replyLines + (e.payload ? 1 + PAYLOAD_BOX_LINES : 0) + 1;
    }
    case 'tls':
      return tlsDetailLines(e.info);
    case 'warning':
    case 'error':
      return 2 + Math.floor(e.text.length / 120);
    case 'close':
      return e.reason ? 2 : 0;
    default:
      return 0;
  }
}

export const isExpandable = (e: TimelineEvent | undefined): boolean => !!e && detailLines(e) > 0;

export function detailHeight(e: TimelineEvent): number {
  const n = detailLines(e);
  return n > 0 ? n * DETAIL_LINE_HEIGHT + DETAIL_PADDING : 0;
}

/** The final reply: the one that completed the exchange (after any intermediate 354 / "+"). */
export function finalReply(e: ExchangeEvent) {
  return e.replies[e.replies.length - 1];
}

/**
 * The message an exchange's payload became: its own reference if the recorder set one, else
 * the "message captured" marker that follows it before the next exchange (the sink records it
 * right after the 250).
 */
export function producedMessageId(get: (index: number) => TimelineEvent | undefined, index: number): string | undefined {
  const e = get(index);
  if (e?.kind !== 'exchange' || !e.payload) return undefined;
  if (e.payload.messageId) return e.payload.messageId;
  for (let i = index + 1; i <= index + 6; i++) {
    const next = get(i);
    if (!next || next.kind === 'exchange') return undefined;
    if (next.kind === 'message') return next.messageId;
  }
  return undefined;
}
