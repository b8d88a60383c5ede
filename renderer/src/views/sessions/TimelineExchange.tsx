// An exchange: the command (verb bold, arguments) and its final reply (code coloured, text),
// with a latency bar; expanded, every reply line and the payload.
import type { ExchangeEvent } from '../../../../shared/types';
import { ReplyCode, codeClass } from '../../components/Badges';
import { formatBytes, formatDuration } from '../../lib/format';
import { routeHref } from '../../state/route';
import { LatencyBar } from './LatencyBar';
import { PayloadDetail } from './PayloadDetail';
import { finalReply } from './timeline-model';

export function ExchangeSummary({ e, maxLatency, showLeg }: { e: ExchangeEvent; maxLatency: number; showLeg: boolean }) {
  const reply = finalReply(e);
  // A multi-line reply is summed up by its first line (EHLO: the server's name); expand for all.
  const firstLine = reply?.lines[0];
  const extra = (reply?.lines.length ?? 1) - 1;
  const intermediate = e.replies.length > 1 ? e.replies.slice(0, -1) : [];
  return (
    <>
      <span className={`t-dir ${e.command ? 'c2s' : 's2c'}`} title={e.command ? 'client → server' : 'server → client (unsolicited)'}>
        {showLeg ? <span className={`leg leg-${e.leg}`}>{e.leg === 'client' ? 'C' : 'U'}</span> : null}
        {e.command ? '→' : '←'}
      </span>
      <span className="t-cmd mono">
        {e.command ? (
          <>
            {e.command.tag ? <span className="t-tag">{e.command.tag} </span> : null}
            <span className="t-verb">{e.command.verb}</span>
            {e.command.args ? <span className="t-args"> {e.command.args}</span> : null}
          </>
        ) : (
          <span className="muted">{isGreeting(e) ? 'greeting' : 'unsolicited reply'}</span>
        )}
        {e.payload ? <PayloadChip e={e} /> : null}
      </span>
      <span className="t-code mono" data-testid="reply-code">
        {intermediate.map((r, i) => (
          <span key={i} className="code-step" title={r.lines.map((l) => `${l.code} ${l.text}`).join('\n')}>
            {r.lines[0]?.code}→
          </span>
        ))}
        {e.incomplete && !reply ? <span className="code st-err">✕</span> : <ReplyCode reply={reply} />}
      </span>
      <span className="t-reply mono" title={firstLine?.text}>
        <span className="t-reply-text">
          {firstLine?.enhanced ? <span className="muted">{firstLine.enhanced} </span> : null}
          {firstLine?.text ?? (e.incomplete ? <span className="st-err">no reply (connection closed)</span> : '')}
        </span>
        {extra > 0 ? <span className="more-lines">+{extra} lines</span> : null}
      </span>
      <LatencyBar us={e.latencyUs} max={maxLatency} />
    </>
  );
}

function PayloadChip({ e }: { e: ExchangeEvent }) {
  const p = e.payload!;
  const label = `${p.kind.toUpperCase()} ${formatBytes(p.length)}`;
  return p.messageId ? (
    <a className="chip payload" href={routeHref('messages', p.messageId)} onClick={(ev) => ev.stopPropagation()} data-testid="payload-link">
      {label} → message
    </a>
  ) : (
    <span className="chip payload">{label}</span>
  );
}

export function ExchangeDetail({ e, sessionId, messageId }: { e: ExchangeEvent; sessionId: string; messageId: string | undefined }) {
  return (
    <>
      {e.command ? (
        <div className="d-line c2s">
          → {e.command.line}
        </div>
      ) : null}
      {e.replies.map((r, i) =>
        r.lines.map((l, j) => (
          <div key={`${i}.${j}`} className="d-line s2c">
            ← <span className={codeClass(l.code)}>{l.code}</span>
            {j < r.lines.length - 1 && /^\d{3}$/.test(l.code) ? '-' : ' '}
            {l.enhanced ? `${l.enhanced} ` : ''}
            {l.text}
          </div>
        )),
      )}
      <div className="d-line muted">
        seq {e.seq} · leg {e.leg} · latency {formatDuration(e.latencyUs)} · {e.replies.length} repl{e.replies.length === 1 ? 'y' : 'ies'}
        {e.incomplete ? ' · incomplete' : ''}
      </div>
      {e.payload ? <PayloadDetail e={e} sessionId={sessionId} messageId={messageId} /> : null}
    </>
  );
}

/** A reply nobody asked for that opens the dialogue: SMTP 220, POP3 +OK, IMAP OK/PREAUTH. */
function isGreeting(e: ExchangeEvent): boolean {
  if (e.greeting) return true;
  // Sessions recorded before dissectors marked greetings: the first events of a sink session.
  const code = e.replies[0]?.lines[0]?.code.toUpperCase() ?? '';
  return e.seq <= 2 && ['220', '+OK', 'OK', 'PREAUTH'].includes(code);
}
