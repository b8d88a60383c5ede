// The raw wire log in the style of Wireshark's "Follow stream": client bytes in one colour,
// server bytes in another, as text (line endings visible) or as a hex dump.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Leg, SessionSummary, WireChunk } from '../../../../shared/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { LockIcon } from '../../components/Icons';
import { VirtualList } from '../../components/VirtualList';
import { formatBytes, plural } from '../../lib/format';
import { TextLineBuilder, hexLines, type WireLine } from '../../lib/wire-lines';
import { useWire } from '../../state/use-wire';

const LINE_HEIGHT = 18;

/** Builds lines incrementally as pages of chunks arrive. */
function useLines(chunks: WireChunk[], mode: 'text' | 'hex', leg: Leg | 'all'): WireLine[] {
  const builder = useRef<{ b: TextLineBuilder; seen: number; key: string } | null>(null);
  return useMemo(() => {
    const shown = leg === 'all' ? chunks : chunks.filter((c) => c.leg === leg);
    if (mode === 'hex') return hexLines(shown);
    const key = `${leg}`;
    let st = builder.current;
    if (!st || st.key !== key || st.seen > shown.length) st = builder.current = { b: new TextLineBuilder(), seen: 0, key };
    st.b.add(shown.slice(st.seen));
    st.seen = shown.length;
    return st.b.snapshot();
  }, [chunks, mode, leg]);
}

export function WireView({ session }: { session: SessionSummary }) {
  const wire = useWire(session.id);
  const [mode, setMode] = useState<'text' | 'hex'>('text');
  const [leg, setLeg] = useState<Leg | 'all'>('all');
  const lines = useLines(wire.chunks, mode, leg);
  const { loadMore } = wire;
  const onRangeChange = useCallback((_s: number, end: number) => end >= lines.length - 50 && loadMore(), [lines.length, loadMore]);
  const proxied = session.role === 'proxy' || wire.chunks.some((c) => c.leg === 'upstream');

  return (
    <div className="wire" data-testid="wire-view">
      <div className="subbar">
        <span className="legend c2s">client → server {formatBytes(session.bytesIn)}</span>
        <span className="legend s2c">server → client {formatBytes(session.bytesOut)}</span>
        <div className="segmented" role="group" aria-label="Wire format">
          <button type="button" className={mode === 'text' ? 'on' : ''} onClick={() => setMode('text')} data-testid="wire-text">
            Text
          </button>
          <button type="button" className={mode === 'hex' ? 'on' : ''} onClick={() => setMode('hex')} data-testid="wire-hex">
            Hex
          </button>
        </div>
        {proxied ? (
          <select value={leg} onChange={(e) => setLeg(e.target.value as Leg | 'all')} aria-label="Leg">
            <option value="all">Both legs</option>
            <option value="client">Client leg</option>
            <option value="upstream">Upstream leg</option>
          </select>
        ) : null}
        <div className="tabs-spacer" />
        <span className="muted small">
          {plural(wire.chunks.length, 'chunk')}
          {wire.total > wire.chunks.length ? ` of ${wire.total.toLocaleString('en')}` : ''}
        </span>
      </div>
      <ErrorBanner error={wire.error} onRetry={wire.reload} compact />
      {!wire.loading && wire.chunks.length === 0 && !wire.error ? <div className="placeholder muted">No bytes recorded for this session.</div> : null}
      <VirtualList
        className={`wire-list mono ${mode}`}
        label="Wire log"
        testId="wire-list"
        count={lines.length}
        rowHeight={LINE_HEIGHT}
        overscan={30}
        onRangeChange={onRangeChange}
        renderRow={(i, top) => <WireRow key={i} line={lines[i]!} top={top} showLeg={proxied} />}
      />
    </div>
  );
}

function WireRow({ line, top, showLeg }: { line: WireLine; top: number; showLeg: boolean }) {
  return (
    <div className={`wline ${line.direction}`} style={{ transform: `translateY(${top}px)`, height: LINE_HEIGHT }} data-dir={line.direction}>
      <span className="wgutter" title={`${line.direction === 'c2s' ? 'client → server' : 'server → client'}${line.tls ? ' (inside TLS)' : ''} · chunk ${line.chunk}`}>
        {showLeg ? (line.leg === 'client' ? 'C' : 'U') : ''}
        {line.tls ? <LockIcon size={10} /> : null}
      </span>
      <span className="wtext">
        {line.text}
        {line.eol === 'crlf' ? <span className="eol">\r\n</span> : null}
        {line.eol === 'lf' ? <span className="eol bare" title="Bare LF: RFC 5321 §2.3.8 requires CRLF">\n bare LF</span> : null}
        {line.eol === 'cr' ? <span className="eol bare">\r</span> : null}
      </span>
    </div>
  );
}
