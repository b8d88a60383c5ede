// Desktop notifications for caught mail. A test suite can send thousands of messages in a
// second, so arrivals are collected for a short window and shown as one notification, and
// notifications are spaced out (like Mailpit limiting its broadcasts). The user's switch is
// settings.ui.notifications, read once and then followed through settings.changed.
import type { ApiEventEnvelope, MailtapApi } from '../../shared/api.js';
import type { MessageSummary } from '../../shared/types.js';
import type { Logger } from './ports.js';

export interface NotificationContent {
  title: string;
  body: string;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface NotifierOptions {
  api: MailtapApi;
  show(content: NotificationContent): void;
  /** Notification.isSupported(); false on a system without a notification service. */
  isSupported?: () => boolean;
  /** How long arrivals are collected before one notification. */
  batchMs?: number;
  /** Least time between two notifications. */
  minIntervalMs?: number;
  timers?: Timers;
  log?: Logger;
}

export interface Notifier {
  /** Settles once the initial setting is known (or could not be read). */
  readonly ready: Promise<void>;
  dispose(): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** Notification text is one line, and not a page long. */
const clip = (s: string, max = 120): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export function senderOf(m: MessageSummary): string {
  if (m.from?.name && m.from.address) return `${m.from.name} <${m.from.address}>`;
  return m.from?.address || m.from?.name || m.envelope.mailFrom || 'unknown sender';
}

export function describe(count: number, latest: MessageSummary): NotificationContent {
  const subject = clip(latest.subject || '(no subject)');
  const from = clip(senderOf(latest));
  if (count === 1) return { title: subject, body: `From ${from}` };
  return { title: `${count} new messages`, body: `Latest: ${subject}, from ${from}` };
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const timers = opts.timers ?? realTimers;
  const log = opts.log ?? console;
  const batchMs = opts.batchMs ?? 1500;
  const minIntervalMs = opts.minIntervalMs ?? 5000;
  const supported = opts.isSupported?.() ?? true;

  // null until settings.get answers; only an explicit false silences (the default is on).
  let enabled: boolean | null = null;
  let count = 0;
  let latest: MessageSummary | null = null;
  let timer: unknown = null;
  let lastShownAt = -Infinity;

  const drop = (): void => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    count = 0;
    latest = null;
  };

  const flush = (): void => {
    timer = null;
    if (count === 0 || latest === null || enabled === false) return drop();
    const content = describe(count, latest);
    drop();
    lastShownAt = timers.now();
    try {
      opts.show(content);
    } catch (err) {
      log.warn('mailtap: notification failed', err);
    }
  };

  const onEvent = (e: ApiEventEnvelope): void => {
    if (e.event === 'settings.changed') {
      enabled = (e.data as ApiEventEnvelope<'settings.changed'>['data']).ui.notifications;
      if (!enabled) drop();
      return;
    }
    if (e.event !== 'message.received' || enabled === false || !supported) return;
    count += 1;
    latest = e.data as MessageSummary;
    if (timer === null) {
      const wait = Math.max(batchMs, lastShownAt + minIntervalMs - timers.now());
      timer = timers.setTimeout(flush, wait);
    }
  };

  const unsubscribe = opts.api.subscribe(onEvent);
  const ready = opts.api.call('settings.get', {}).then(
    (s) => {
      // A settings.changed that arrived meanwhile is newer than this answer.
      if (enabled === null) enabled = s.ui.notifications;
      if (enabled === false) drop();
    },
    (err: unknown) => log.warn('mailtap: could not read notification setting; leaving notifications on', err),
  );

  return {
    ready,
    dispose() {
      unsubscribe();
      drop();
    },
  };
}
