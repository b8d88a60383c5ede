// Read-only facts from server.info: listeners and their ports, the UI URL, the data directory.
import type { ServerInfo } from '../../../../shared/types';
import { ProtocolBadge, RoleBadge } from '../../components/Badges';

export function ServerInfoCard({ info }: { info: ServerInfo }) {
  return (
    <section className="card">
      <h3>Server</h3>
      <p className="muted small">Ports are chosen when mailtap starts (<code>mailtap serve --smtp-port …</code>); they are shown here for reference.</p>
      <table className="grid-table" data-testid="listeners">
        <thead>
          <tr>
            <th>Listener</th>
            <th>Protocol</th>
            <th>Role</th>
            <th>Address</th>
            <th>TLS</th>
          </tr>
        </thead>
        <tbody>
          {info.listeners.map((l) => (
            <tr key={`${l.name}:${l.port}`}>
              <td>{l.name}</td>
              <td>
                <ProtocolBadge protocol={l.protocol} />
              </td>
              <td>
                <RoleBadge role={l.role} />
              </td>
              <td className="mono">
                {l.address}:{l.port}
              </td>
              <td>{l.tls}</td>
            </tr>
          ))}
          <tr>
            <td>UI / API</td>
            <td>
              <span className="badge proto">HTTP</span>
            </td>
            <td />
            <td className="mono">{info.http.url}</td>
            <td>{info.http.tokenRequired ? 'token required' : ''}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        Data directory <span className="mono">{info.dataDir}</span> · mailtap {info.version}
      </p>
    </section>
  );
}
