// The headers table, and the SMTP envelope (which can differ from the headers: Bcc, lists).
import type { MessageDetail } from '../../../../shared/types';

export function HeadersTab({ m }: { m: MessageDetail }) {
  const env = m.envelope;
  const params = Object.entries(env.params);
  return (
    <div className="tab-scroll" data-testid="headers-tab">
      <h3 className="section-title">Envelope</h3>
      <table className="kv">
        <tbody>
          <tr>
            <th>MAIL FROM</th>
            <td className="mono">&lt;{env.mailFrom}&gt;{params.length ? ' ' + params.map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(' ') : ''}</td>
          </tr>
          <tr>
            <th>RCPT TO</th>
            <td className="mono">{env.rcptTo.map((r) => `<${r}>`).join(', ')}</td>
          </tr>
          <tr>
            <th>HELO</th>
            <td className="mono">{env.helo ?? '–'}</td>
          </tr>
          <tr>
            <th>Auth user</th>
            <td className="mono">{env.user ?? '–'}</td>
          </tr>
          <tr>
            <th>TLS</th>
            <td>{env.tls ? 'yes' : 'no'}</td>
          </tr>
        </tbody>
      </table>
      <h3 className="section-title">Headers ({m.headers.length})</h3>
      <table className="kv headers">
        <tbody>
          {m.headers.map((h, i) => (
            <tr key={i}>
              <th className="mono">{h.name}</th>
              <td className="mono">{h.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
