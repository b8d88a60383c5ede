// Turns wire chunks into display lines, Wireshark "Follow stream" style: text lines split at
// LF (with the line ending kept visible, so a bare LF stands out) or 16-byte hex dump lines.
import type { Direction, Leg, WireChunk } from '../../../shared/types';
import { base64ToBytes } from './bytes';

export type Eol = 'crlf' | 'lf' | 'cr' | '';

export interface WireLine {
  direction: Direction;
  leg: Leg;
  tls: boolean;
  chunk: number;
  t: number;
  /** Text mode: the line's characters (non-printables escaped). Hex mode: the dump line. */
  text: string;
  eol: Eol;
  /** Hex mode: offset of the line's first byte in its direction's stream. */
  offset: number;
}

/** Printable ASCII as is; UTF-8 sequences decoded; other control bytes as \xNN. */
function lineText(bytes: Uint8Array): string {
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return decoded.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Text lines. A line may continue across chunks of the same direction and leg; a change of
 * direction always starts a new line.
 */
export class TextLineBuilder {
  readonly lines: WireLine[] = [];
  private pending: { chunk: WireChunk; bytes: number[] } | null = null;

  add(chunks: readonly WireChunk[]): void {
    for (const c of chunks) {
      if (this.pending && (this.pending.chunk.direction !== c.direction || this.pending.chunk.leg !== c.leg)) this.flush('');
      const bytes = base64ToBytes(c.data);
      for (let i = 0; i < bytes.length; i++) {
        if (!this.pending) this.pending = { chunk: c, bytes: [] };
        const b = bytes[i]!;
        if (b === 0x0a) {
          const cr = this.pending.bytes.length > 0 && this.pending.bytes[this.pending.bytes.length - 1] === 0x0d;
          if (cr) this.pending.bytes.pop();
          this.flush(cr ? 'crlf' : 'lf');
        } else {
          this.pending.bytes.push(b);
        }
      }
    }
  }

  /** Lines so far plus the unfinished one (not consumed: later chunks may extend it). */
  snapshot(): WireLine[] {
    if (!this.pending || this.pending.bytes.length === 0) return this.lines;
    return this.lines.concat(this.toLine(this.pending, ''));
  }

  private flush(eol: Eol): void {
    if (!this.pending) return;
    this.lines.push(this.toLine(this.pending, eol));
    this.pending = null;
  }

  private toLine(p: { chunk: WireChunk; bytes: number[] }, eol: Eol): WireLine {
    const c = p.chunk;
    return { direction: c.direction, leg: c.leg, tls: c.tls, chunk: c.index, t: c.t, text: lineText(Uint8Array.from(p.bytes)), eol, offset: c.offset };
  }
}

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** One hex dump row: offset, 16 bytes in hex, and the printable ASCII column. */
export function hexRow(row: Uint8Array, offset: number): string {
  let hex = '';
  let ascii = '';
  for (let j = 0; j < 16; j++) {
    hex += j < row.length ? hex2(row[j]!) + ' ' : '   ';
    if (j === 7) hex += ' ';
    if (j < row.length) ascii += row[j]! >= 0x20 && row[j]! < 0x7f ? String.fromCharCode(row[j]!) : '.';
  }
  return `${offset.toString(16).padStart(8, '0')}  ${hex} ${ascii}`;
}

/** Hex dump lines of a chunk list, each row at its offset in its direction's stream. */
export function hexLines(chunks: readonly WireChunk[]): WireLine[] {
  const out: WireLine[] = [];
  for (const c of chunks) {
    const bytes = base64ToBytes(c.data);
    for (let i = 0; i < bytes.length; i += 16) {
      out.push({ direction: c.direction, leg: c.leg, tls: c.tls, chunk: c.index, t: c.t, text: hexRow(bytes.subarray(i, i + 16), c.offset + i), eol: '', offset: c.offset + i });
    }
  }
  return out;
}
