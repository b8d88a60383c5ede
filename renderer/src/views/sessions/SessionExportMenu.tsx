// Export a session: JSON (complete, re-importable), transcript, pcapng (recorded or standard
// ports, with the tshark options a non-standard port needs) and, for TLS sessions, the key log.
import type { SessionSummary } from '../../../../shared/types';
import { useApi } from '../../api';
import { AlertIcon, DownloadIcon } from '../../components/Icons';
import { Menu, type MenuItem } from '../../components/Menu';
import { saveBytes } from '../../lib/bytes';
import { STANDARD_PORT, nonStandardPorts, tsharkHint } from './session-export';

export function SessionExportMenu({ s, onError }: { s: SessionSummary; onError: (e: unknown) => void }) {
  const api = useApi();
  const save = (p: Promise<{ data: Uint8Array; contentType: string; filename: string }>) => p.then((r) => saveBytes(r.data, r.contentType, r.filename), onError);
  const odd = nonStandardPorts(s);
  const std = STANDARD_PORT[s.protocol];
  const items: MenuItem[] = [
    { id: 'json', label: 'Session JSON', detail: 'Complete, with the wire log: import it elsewhere, or replay it with mailtap replay.', onSelect: () => void save(api.call('sessions.exportJson', { id: s.id })) },
    { id: 'transcript', label: 'Transcript (.txt)', detail: 'C: and S: lines, as the RFCs print a dialogue.', onSelect: () => void save(api.call('sessions.export', { id: s.id, format: 'transcript' })) },
    { id: 'pcapng', label: 'pcapng', detail: `Plaintext streams with synthesised TCP/IP, at the recorded ports${odd.length ? ` (${odd.join(', ')})` : ''}.`, onSelect: () => void save(api.call('sessions.export', { id: s.id, format: 'pcapng' })) },
  ];
  if (odd.length) {
    items.push({ id: 'pcapng-standard', label: `pcapng, server port as ${std}`, detail: 'Opens dissected in Wireshark with no options.', onSelect: () => void save(api.call('sessions.export', { id: s.id, format: 'pcapng', ports: 'standard' })) });
  }
  if (s.tls) {
    items.push({
      id: 'keylog',
      label: 'TLS key log (SSLKEYLOGFILE)',
      detail: (
        <span className="st-warn">
          <AlertIcon size={12} /> Contains the session’s TLS secrets: anyone with it can decrypt a capture of this connection.
        </span>
      ),
      onSelect: () => void save(api.call('sessions.export', { id: s.id, format: 'keylog' })),
    });
  }
  const footer = odd.length ? (
    <>
      Wireshark dissects {s.protocol.toUpperCase()} on port {std} only. For the recorded ports:
      <code className="mono menu-code" data-testid="tshark-hint">
        {tsharkHint(s)}
      </code>
    </>
  ) : null;
  return (
    <Menu
      label={
        <>
          <DownloadIcon size={14} /> Export
        </>
      }
      items={items}
      footer={footer}
      className="small"
      testId="session-export"
      title="Export this session"
    />
  );
}
