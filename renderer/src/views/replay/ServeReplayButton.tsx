// "Serve server side": a small popover to pick the port and TLS mode, then replay.serve. The
// running servers show in the bar under the session header (ServeReplayBar).
import { useEffect, useRef, useState } from 'react';
import type { SessionSummary, TlsMode } from '../../../../shared/types';
import { PlayIcon, ServerIcon } from '../../components/Icons';
import type { ReplayServers } from '../../state/use-replay-servers';
import { Field } from '../settings/Field';

export function ServeReplayButton({ s, servers }: { s: SessionSummary; servers: ReplayServers }) {
  const [open, setOpen] = useState(false);
  const [port, setPort] = useState('0');
  const [tls, setTls] = useState<TlsMode | 'auto'>('auto');
  const root = useRef<HTMLDivElement>(null);
  const portNum = Number(port);
  const portError = port.trim() === '' || !Number.isInteger(portNum) || portNum < 0 || portNum > 65535 ? 'A port from 0 to 65535.' : undefined;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => root.current && !root.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const start = () => {
    if (portError) return;
    void servers.serve({ port: portNum, tls }).then(() => setOpen(false));
  };

  return (
    <div className="menu-root" ref={root}>
      <button type="button" className="btn small" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="serve-replay" title="Play this session’s server side to a client you connect">
        <ServerIcon size={14} /> Serve
      </button>
      {open ? (
        <div className="menu menu-right serve-pop" role="dialog" aria-label="Serve this session’s server side" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <h4>Serve this session’s server side</h4>
          <p className="muted small">mailtap listens on loopback and answers a connecting client with the recorded {s.protocol.toUpperCase()} responses. A command that differs from the recording is counted and answered with the protocol’s error.</p>
          <div className="serve-fields">
            <Field label="Port" error={portError} hint="0 picks a free port.">
              <input className="input mono" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} data-testid="serve-port" />
            </Field>
            <Field label="TLS">
              <select className="input" value={tls} onChange={(e) => setTls(e.target.value as TlsMode | 'auto')} data-testid="serve-tls">
                <option value="auto">As recorded</option>
                <option value="none">None</option>
                <option value="starttls">STARTTLS</option>
                <option value="implicit">Implicit TLS</option>
              </select>
            </Field>
          </div>
          <div className="serve-actions">
            <button type="button" className="btn primary small" onClick={start} disabled={servers.busy || Boolean(portError)} data-testid="serve-start">
              <PlayIcon size={12} /> {servers.busy ? 'Starting…' : 'Start listening'}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
