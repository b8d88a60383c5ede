// A session's TLS key material in the NSS key log format (SSLKEYLOGFILE) that Wireshark, tshark
// and curl read: one "LABEL <client_random hex> <secret hex>" line per secret, "#" comments.
// With it, a packet capture of the same TLS connections, made outside mailtap, decrypts. The
// recorder keeps the lines per session (store/session-records.ts, record type 3) as node's
// `keylog` event gives them, for the sink's TLS and both legs of the proxy.
import type { SessionSummary } from '../../../shared/types.js';
import type { KeyLogRecord } from '../store/session-records.js';

/** TLS 1.2 and 1.3 labels (the NSS key log format); anything else is not key material. */
const LINE = /^(CLIENT_RANDOM|CLIENT_EARLY_TRAFFIC_SECRET|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EARLY_EXPORTER_SECRET|EXPORTER_SECRET) [0-9a-fA-F]+ [0-9a-fA-F]+$/;

export function sessionKeyLog(summary: SessionSummary, records: KeyLogRecord[]): Buffer {
  const lines = [`# SSLKEYLOGFILE of mailtap ${summary.protocol} ${summary.role} session ${summary.id}`];
  let leg: string | null = null;
  for (const r of records) {
    const text = r.line.toString('latin1').trim();
    if (!LINE.test(text)) continue;
    if (r.leg !== leg) lines.push(`# ${r.leg} leg`);
    leg = r.leg;
    lines.push(text);
  }
  return Buffer.from(lines.join('\n') + '\n', 'latin1');
}
