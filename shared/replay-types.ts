// The types of replay (client and server), session JSON, and message import/export.
import type { Direction, Leg, Micros, Protocol, SessionSummary, TimelineEvent, TlsInfo, TlsMode } from './types.js';

// ---------------------------------------------------------------- replay and session JSON

/** A session exported as JSON (sessions.exportJson): summary, the whole wire log, the timeline. */
export interface SessionJson {
  format: 'mailtap-session';
  version: 1;
  exportedAt: string;
  session: SessionSummary;
  /** The TLS handshakes of the session, as the timeline recorded them. */
  tls: TlsInfo[];
  /** Every chunk in order: µs timestamp, direction, leg, inside TLS, base64 bytes. */
  wire: { t: Micros; direction: Direction; leg: Leg; tls: boolean; data: string }[];
  /** The timeline as recorded; without it, import derives it again by dissecting the wire log. */
  events?: TimelineEvent[];
}

/** Normalisation before comparing a replayed response with the recorded one. All on by default. */
export interface ReplayRules {
  hostnames?: boolean;
  dates?: boolean;
  messageIds?: boolean;
  /** Queue ids in SMTP 250 replies ("queued as …"). */
  queueIds?: boolean;
  /** SASL challenges (CRAM-MD5's base64 timestamp). */
  challenges?: boolean;
  /** User regular expressions (JavaScript syntax); matches become "<*>". */
  patterns?: string[];
}

export interface ReplayRunOptions {
  sessionId: string;
  /** "host:port" or "[v6]:port". */
  target: string;
  /** auto: as recorded. none/implicit drop a recorded STARTTLS; starttls adds one if needed. */
  tls?: TlsMode | 'auto';
  pace?: 'fast' | 'original';
  /** Verify the target's certificate; default off for loopback targets, on otherwise. */
  verify?: boolean;
  servername?: string;
  /** Substituted credentials; each missing part comes from the recording. */
  credentials?: { user?: string; password?: string };
  rules?: ReplayRules;
  /** How long to wait for one response; default 15 s. */
  timeoutMs?: number;
  /** The leg of a proxy session to replay; default the client's. */
  leg?: Leg;
}

export type ExchangeDiffStatus = 'match' | 'mismatch' | 'missing' | 'extra' | 'skipped';

export interface ExchangeDiff {
  index: number;
  /** The command line (secrets masked); null for the greeting. */
  command: string | null;
  expected: string[];
  actual: string[];
  expectedNormalized: string[];
  actualNormalized: string[];
  status: ExchangeDiffStatus;
}

export interface ReplayResult {
  /** Every exchange matched and nothing went wrong. */
  ok: boolean;
  sourceId: string;
  /** The replay run's own recorded session. */
  sessionId: string | null;
  target: string;
  exchanges: ExchangeDiff[];
  counts: Record<ExchangeDiffStatus, number>;
  /** Things the user should know (a CRAM-MD5 digest that could not be recomputed, a skipped STARTTLS). */
  notes: string[];
  /** The run could not be done (unreachable target, TLS failure): exit code 2 in the CLI. */
  error: string | null;
  durationMs: number;
}

/** A client replay's diff as kept by the server (replay.result): the result, and the options it ran with, credentials left out. */
export interface StoredReplayRun {
  result: ReplayResult;
  options: Omit<ReplayRunOptions, 'credentials'>;
}

/** A running server replay (replay.serve). */
export interface ReplayServerState {
  id: string;
  sessionId: string;
  protocol: Protocol;
  address: string;
  port: number;
  tls: TlsMode;
  connections: number;
  /** Client commands that did not match the recorded dialogue, over all connections. */
  mismatches: number;
}

// ---------------------------------------------------------------- export and import (messages)

/** What messages.import did: messages added (as if caught, source 'import') and what it skipped. */
export interface MessageImportResult {
  format: 'eml' | 'mbox';
  imported: number;
  /** The new messages' ids, at most the first 1000. */
  ids: string[];
  /** Messages not imported, by their 1-based position in the file, and why (too large, empty). */
  skipped: { index: number; reason: string }[];
  bytes: number;
}

/** A running import's progress (the messages.import.progress event). */
export interface MessageImportProgress {
  importId: string;
  format: 'eml' | 'mbox' | null;
  bytes: number;
  /** The input's size when known. */
  total: number | null;
  imported: number;
  skipped: number;
  done: boolean;
}
