// One proxy listener as a table row: state, name, protocol, both legs and their TLS, verify,
// and the actions. A listener that failed to start shows why beneath it.
import type { ProxyListenerState, TlsMode } from '../../../../shared/types';
import { ProtocolBadge } from '../../components/Badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EditIcon, LockIcon, PlayIcon, StopIcon, TrashIcon } from '../../components/Icons';

const MODE: Record<TlsMode, string> = { none: 'plain', starttls: 'STARTTLS', implicit: 'TLS' };

function TlsModeChip({ mode }: { mode: TlsMode }) {
  return mode === 'none' ? <span className="chip">plain</span> : <span className="chip st-ok"><LockIcon size={10} /> {MODE[mode]}</span>;
}

export function listenerStatus(l: ProxyListenerState): 'running' | 'error' | 'stopped' {
  return l.running ? 'running' : l.error ? 'error' : 'stopped';
}

export interface ListenerRowProps {
  l: ProxyListenerState;
  busy: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onRunning: (running: boolean) => void;
}

export function ListenerRow({ l, busy, onEdit, onDelete, onRunning }: ListenerRowProps) {
  const status = listenerStatus(l);
  const port = l.running && l.boundPort !== null ? l.boundPort : l.listenPort;
  return (
    <>
      <tr className={`lrow lrow-${status}`} data-testid="listener-row" data-name={l.name} data-status={status}>
        <td>
          <span className={`state-pill state-${status}`} data-testid="listener-state">
            {status}
          </span>
        </td>
        <td className="strong">{l.name}</td>
        <td>
          <ProtocolBadge protocol={l.protocol} />
        </td>
        <td className="mono" data-testid="listener-listen">
          {l.listenHost}:{port}
          {l.listenPort === 0 && l.running ? <span className="muted small"> (free port)</span> : null}
        </td>
        <td>
          <TlsModeChip mode={l.clientTls} />
        </td>
        <td className="lrow-arrow muted">→</td>
        <td className="mono">
          {l.upstreamHost}:{l.upstreamPort}
          {l.servername ? <span className="muted small"> SNI {l.servername}</span> : null}
        </td>
        <td>
          <TlsModeChip mode={l.upstreamTls} />
        </td>
        <td>{l.upstreamTls === 'none' ? <span className="muted">–</span> : l.verifyUpstream ? <span className="st-ok">verify</span> : <span className="st-warn">no verify</span>}</td>
        <td className="lrow-actions">
          {l.running ? (
            <button type="button" className="btn small" disabled={busy} onClick={() => onRunning(false)} data-testid="listener-stop">
              <StopIcon size={12} /> Stop
            </button>
          ) : (
            <button type="button" className="btn small" disabled={busy} onClick={() => onRunning(true)} data-testid="listener-start">
              <PlayIcon size={12} /> Start
            </button>
          )}
          <button type="button" className="btn ghost small" disabled={busy} onClick={onEdit} aria-label={`Edit ${l.name}`} title="Edit" data-testid="listener-edit">
            <EditIcon size={14} />
          </button>
          <ConfirmButton onConfirm={onDelete} confirmLabel="Delete?" label={`Delete ${l.name}`} className="small" testId="listener-delete">
            <TrashIcon size={14} />
          </ConfirmButton>
        </td>
      </tr>
      {l.error ? (
        <tr className="lrow-error">
          <td />
          <td colSpan={9} className="st-err small" data-testid="listener-error">
            Could not start: {l.error}
          </td>
        </tr>
      ) : null}
    </>
  );
}
