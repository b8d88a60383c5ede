// The running server replays of a session: where each listens, how many clients connected and
// how many of their commands did not match the recording, with a client command and Stop.
import type { ReplayServerState } from '../../../../shared/types';
import { CopyIcon, StopIcon } from '../../components/Icons';
import { ErrorBanner } from '../../components/ErrorBanner';
import type { ReplayServers } from '../../state/use-replay-servers';

const CLIENT_HINT: Record<ReplayServerState['protocol'], (host: string, port: number) => string> = {
  smtp: (h, p) => `swaks --server ${h}:${p} --to you@example.test`,
  pop3: (h, p) => `curl pop3://${h}:${p} -u user:pass`,
  imap: (h, p) => `curl imap://${h}:${p} -u user:pass`,
};

function ServerLine({ x, busy, onStop }: { x: ReplayServerState; busy: boolean; onStop: () => void }) {
  const host = x.address.includes(':') ? `[${x.address}]` : x.address;
  const cmd = CLIENT_HINT[x.protocol](host, x.port);
  return (
    <div className="serve-line" data-testid="replay-server" data-port={x.port}>
      <span className="live-pill">serving</span>
      <span className="mono strong" data-testid="replay-server-address">
        {host}:{x.port}
      </span>
      <span className="chip">{x.tls === 'none' ? 'plain' : x.tls}</span>
      <span data-testid="replay-server-connections">
        <strong>{x.connections}</strong> <span className="muted">{x.connections === 1 ? 'connection' : 'connections'}</span>
      </span>
      <span className={x.mismatches ? 'st-err' : 'muted'} data-testid="replay-server-mismatches">
        <strong>{x.mismatches}</strong> {x.mismatches === 1 ? 'mismatch' : 'mismatches'}
      </span>
      <code className="mono small serve-cmd muted" title="Try it">
        {cmd}
      </code>
      <button type="button" className="btn ghost tiny" onClick={() => void navigator.clipboard?.writeText(cmd)} title="Copy the command" aria-label="Copy the command">
        <CopyIcon size={12} />
      </button>
      <div className="tabs-spacer" />
      <button type="button" className="btn small" onClick={onStop} disabled={busy} data-testid="replay-server-stop">
        <StopIcon size={12} /> Stop
      </button>
    </div>
  );
}

export function ServeReplayBar({ servers }: { servers: ReplayServers }) {
  if (!servers.items.length && !servers.error) return null;
  return (
    <div className="serve-bar" data-testid="serve-bar">
      <ErrorBanner error={servers.error} compact />
      {servers.items.map((x) => (
        <ServerLine key={x.id} x={x} busy={servers.busy} onStop={() => void servers.stop(x.id)} />
      ))}
    </div>
  );
}
