// Types shared by main/ and renderer/. No Node, no DOM, no Electron here.

export type Protocol = 'smtp' | 'pop3' | 'imap';
export type SessionRole = 'sink' | 'proxy' | 'replay';
/** c2s: client to server; s2c: server to client. */
export type Direction = 'c2s' | 's2c';
/** The client side of a session, or (in the proxy) the upstream side. */
export type Leg = 'client' | 'upstream';

/** Microseconds since the Unix epoch. A double holds these exactly until the year 2255. */
export type Micros = number;

export interface Endpoint {
  address: string;
  port: number;
}

export interface TlsInfo {
  leg: Leg;
  version: string | null;
  cipher: string | null;
  sni: string | null;
  alpn: string | null;
  /** Subject CN (or first SAN) of the certificate the peer presented, or that we presented. */
  certificateSubject: string | null;
  /** Set for an upstream leg: the verification result. */
  verified?: boolean;
  verifyError?: string | null;
  /** Set for an upstream leg: the chain the server presented, leaf first. */
  chain?: CertificateInfo[];
}

/** One certificate of a presented chain, as the timeline shows it. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER form, `AB:CD:…`. */
  fingerprint: string;
  subjectAltName: string | null;
}

/** The local CA that issues the certificates the proxy presents (design.md, "TLS"). */
export interface CaInfo {
  fingerprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  certPath: string;
  keyPath: string;
}

export type TlsMode = 'none' | 'starttls' | 'implicit';

/** A proxy listener as configured (design.md, "The proxy"). */
export interface ProxyListenerConfig {
  name: string;
  protocol: Protocol;
  listenHost: string;
  listenPort: number;
  /** TLS towards the client: none, STARTTLS offered by the proxy, or implicit TLS. */
  clientTls: TlsMode;
  upstreamHost: string;
  upstreamPort: number;
  upstreamTls: TlsMode;
  /** Verify the upstream server's certificate; on unless turned off. */
  verifyUpstream: boolean;
  /** Server name sent upstream (SNI) and checked against its certificate; default the upstream host. */
  servername: string | null;
  /** Started with the server; false keeps the listener configured but stopped. */
  enabled: boolean;
  /**
   * Client connections held at once (each also holds one upstream); one more is told its
   * protocol's "busy" and closed. Absent in settings from before it existed: 4096.
   */
  maxConnections?: number;
}

/** A proxy listener and whether it is running now. */
export interface ProxyListenerState extends ProxyListenerConfig {
  running: boolean;
  /** The bound port while running (useful when listenPort is 0). */
  boundPort: number | null;
  error: string | null;
}

export interface Address {
  name: string;
  address: string;
}

export interface Envelope {
  mailFrom: string;
  rcptTo: string[];
  /** MAIL FROM parameters as sent, upper-cased keys (SIZE, BODY, SMTPUTF8, …). */
  params: Record<string, string | true>;
  /** The EHLO/HELO name the client gave. */
  helo: string | null;
  /** The user that authenticated, if any. */
  user: string | null;
  tls: boolean;
}

// ---------------------------------------------------------------- MIME

export interface MimeHeader {
  name: string;
  /** Decoded value (RFC 2047 words decoded, unfolded). */
  value: string;
}

/**
 * One node of a message's part tree. `path` is the IMAP section number (RFC 3501 §6.4.5):
 * the root is "" and its parts are "1", "2", "1.2"…. For a message/rfc822 part at "2",
 * `children` holds the encapsulated message's parts, numbered "2.1", "2.2"….
 */
export interface MimeNode {
  path: string;
  /** Lower-cased "type/subtype". A part with no Content-Type is text/plain (RFC 2045 §5.2). */
  contentType: string;
  /** Content-Type parameters, decoded (RFC 2231 continuations and charsets). Keys lower-cased. */
  params: Record<string, string>;
  charset: string | null;
  transferEncoding: string | null;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  filename: string | null;
  contentId: string | null;
  description: string | null;
  /** Bytes of the encoded body of this part, as on the wire. */
  size: number;
  /** Lines of the encoded body. */
  lines: number;
  /** Byte offsets into the raw message: header start, body start, body end. */
  offsets: { start: number; bodyStart: number; end: number };
  headers: MimeHeader[];
  children: MimeNode[];
  /** For message/rfc822: the encapsulated message's own headers decoded (for ENVELOPE). */
  encapsulated?: { headers: MimeHeader[] } | null;
}

export interface MessageSummary {
  id: string;
  /** The session that carried it, if any. */
  sessionId: string | null;
  receivedAt: string;
  envelope: Envelope;
  from: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  messageId: string | null;
  date: string | null;
  size: number;
  attachmentCount: number;
  snippet: string;
  read: boolean;
  /** Parse and transport warnings, e.g. bare LF in DATA, a missing closing boundary. */
  warnings: string[];
  source: 'smtp' | 'proxy' | 'import';
  /**
   * The mailbox folder that holds it (IMAP): INBOX for caught mail. The store fills these three
   * in when it loads, so they are only ever missing from objects made elsewhere.
   */
  folder?: string;
  /** Its IMAP UID in that folder (RFC 3501 §2.3.1.1): given once, never reused. */
  uid?: number;
  /** IMAP flags other than \Seen, which is `read`: \Answered, \Flagged, \Deleted, \Draft, keywords. */
  flags?: string[];
  /** For a message imported from an mbox: its From_ line as it was (with its line ending), so an export gives it back. */
  mboxFrom?: string;
}

export interface AttachmentInfo {
  path: string;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}

export interface MessageDetail extends MessageSummary {
  headers: MimeHeader[];
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
}

// ---------------------------------------------------------------- sessions and the timeline

export interface SessionSummary {
  id: string;
  protocol: Protocol;
  role: SessionRole;
  startedAt: Micros;
  endedAt: Micros | null;
  client: Endpoint;
  server: Endpoint;
  upstream: Endpoint | null;
  tls: boolean;
  user: string | null;
  messageIds: string[];
  exchanges: number;
  warnings: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
  /** The longest exchange latency so far (command to final reply), in µs. */
  maxLatencyUs?: number;
  /** For a replay run (role 'replay'): the captured session it replays. */
  replayOf?: string;
}

export interface ReplyLine {
  /** The reply code: "250" for SMTP, "+OK"/"-ERR" for POP3, OK/NO/BAD/BYE/PREAUTH/"+" for IMAP. */
  code: string;
  /** Enhanced status code (RFC 3463), e.g. "2.1.0", when present. */
  enhanced: string | null;
  text: string;
}

export type ReplyStatus = 'ok' | 'intermediate' | 'transient' | 'permanent' | 'no' | 'bad';

export interface Reply {
  t: Micros;
  /** All lines of a multi-line reply (RFC 5321 §4.2.1). */
  lines: ReplyLine[];
  status: ReplyStatus;
}

export interface Command {
  verb: string;
  args: string;
  /** The IMAP tag, if any. */
  tag?: string;
  /** The command line as sent, with secrets masked. */
  line: string;
}

export interface PayloadRef {
  kind: 'data' | 'bdat' | 'literal' | 'multiline';
  direction: Direction;
  /** Byte offset in that direction's stream, and length on the wire. */
  offset: number;
  length: number;
  messageId?: string;
}

interface EventBase {
  /** Sequence number within the session, from 0. */
  seq: number;
  t: Micros;
}

export interface ExchangeEvent extends EventBase {
  kind: 'exchange';
  leg: Leg;
  /** null for a greeting, or a reply nothing asked for. */
  command: Command | null;
  /** The server's first response on its leg, before any command: its greeting. */
  greeting?: true;
  replies: Reply[];
  /** Time from the command's last byte to the final reply's last byte. */
  latencyUs: number | null;
  payload?: PayloadRef;
  /** The exchange ended before its final reply (connection closed). */
  incomplete?: boolean;
}

export interface ConnectEvent extends EventBase {
  kind: 'connect';
  leg: Leg;
  client: Endpoint;
  server: Endpoint;
}

export interface TlsEvent extends EventBase {
  kind: 'tls';
  info: TlsInfo;
}

export interface AuthEvent extends EventBase {
  kind: 'auth';
  leg: Leg;
  mechanism: string;
  user: string | null;
  /** The secret is kept in the wire log only; views show it masked. */
  secretMasked: string | null;
  ok: boolean | null;
}

export interface MessageEvent extends EventBase {
  kind: 'message';
  messageId: string;
  size: number;
}

export interface NoticeEvent extends EventBase {
  kind: 'warning' | 'error';
  code: string;
  text: string;
  leg?: Leg;
}

export interface CloseEvent extends EventBase {
  kind: 'close';
  leg: Leg;
  by: 'client' | 'server' | 'timeout' | 'error';
  reason?: string;
}

export type TimelineEvent =
  | ExchangeEvent
  | ConnectEvent
  | TlsEvent
  | AuthEvent
  | MessageEvent
  | NoticeEvent
  | CloseEvent;

/** A timeline event before the recorder numbers it. */
export type TimelineEventInput = TimelineEvent extends infer E
  ? E extends TimelineEvent
    ? Omit<E, 'seq'>
    : never
  : never;

export interface WireChunk {
  /** Index of the chunk in the wire log. */
  index: number;
  t: Micros;
  direction: Direction;
  leg: Leg;
  tls: boolean;
  /** Offset of this chunk's first byte in its direction's stream (per leg). */
  offset: number;
  /** Base64 of the bytes. */
  data: string;
}

// ---------------------------------------------------------------- settings

export interface Credentials {
  user: string;
  password: string;
}

export interface Settings {
  smtp: {
    /** Maximum message size in bytes (SIZE, RFC 1870). */
    maxMessageSize: number;
    maxRecipients: number;
    /** Command line limit in octets; RFC 5321 §4.5.3.1.4 sets 512 as the minimum. */
    maxLineLength: number;
    idleTimeoutMs: number;
    /** Empty: any credentials are accepted. */
    credentials: Credentials[];
    hostname: string;
    /**
     * Connections each sink listener (SMTP, POP3, IMAP) serves at once; one more is told the
     * server is busy, in its protocol, and closed.
     */
    maxConnections: number;
  };
  retention: {
    /** Keep at most this many messages; 0 means no limit. */
    maxMessages: number;
    /** Delete messages older than this many hours; 0 means no limit. */
    maxAgeHours: number;
    maxSessions: number;
  };
  ui: {
    theme: 'system' | 'light' | 'dark';
    notifications: boolean;
  };
  /** Proxy listeners, kept across restarts. */
  proxies: ProxyListenerConfig[];
  tls: {
    /** Append TLS key material of both proxy legs here (SSLKEYLOGFILE format); '' is off. */
    keyLogFile: string;
    /** A PEM file of extra CAs the proxy trusts upstream, beside the system's; '' for none. */
    upstreamCaFile: string;
  };
}

export interface ListenerInfo {
  name: string;
  protocol: Protocol;
  role: SessionRole;
  address: string;
  port: number;
  tls: 'none' | 'starttls' | 'implicit';
}

export interface ServerInfo {
  version: string;
  dataDir: string;
  listeners: ListenerInfo[];
  http: { url: string; tokenRequired: boolean };
}

/** Health of the running server, for the diagnostics view and the benchmark. */
export interface ServerStats {
  uptimeMs: number;
  rssBytes: number;
  peakRssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay since start or the last reset: a stall delays every proxied byte. */
  eventLoop: { maxMs: number; p99Ms: number; meanMs: number };
  messages: number;
  sessions: number;
  liveSessions: number;
}

export interface Page<T> {
  total: number;
  offset: number;
  items: T[];
}

// Replay, session JSON and message import/export live in replay-types.ts.
export type * from './replay-types.js';
