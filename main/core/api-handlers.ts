// One handler per API call. Parameters arrive from HTTP query strings as strings, or from IPC
// as values, so every handler checks and converts what it takes.
import type { ApiMethod, ApiParams, ApiResult } from '../../shared/api.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { extractPart } from './mime/index.js';
import type { MailtapService } from './service.js';
import { exportSessionJson, importSessionJson, runReplay, serveReplay } from './replay/service-replay.js';
import { exportMessages, exportSession, importMessagesCall } from './export/service-export.js';
import { sessionPayload } from './sessions-payload.js';
import { sessionSecret } from './sessions-secret.js';

type Handler<M extends ApiMethod> = (s: MailtapService, p: ApiParams<M>) => Promise<ApiResult<M>> | ApiResult<M>;

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || !v) throw badRequest(`${name} is required`);
  return v;
};
const num = (v: unknown): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

export const handlers: { [M in ApiMethod]: Handler<M> } = {
  'server.info': (s) => s.info(),
  'server.stats': (s, p) => ({
    ...s.diagnostics.snapshot(p.reset === true || (p.reset as unknown) === 'true' || (p.reset as unknown) === '1'),
    messages: s.messages.count,
    sessions: s.sessions.count,
    liveSessions: s.sessions.liveCount,
  }),
  'messages.list': (s, p) => s.messages.list({ ...p, offset: num(p.offset), limit: num(p.limit) }),
  'messages.get': async (s, p) => {
    const id = str(p.id, 'id');
    const summary = s.messages.get(id) ?? throwNotFound('message');
    const { parsed } = await s.parsed.get(id);
    return { ...summary, headers: parsed.headers, text: parsed.text, html: parsed.html, attachments: parsed.attachments };
  },
  'messages.raw': async (s, p) => {
    const id = str(p.id, 'id');
    if (!s.messages.get(id)) throw notFound('message');
    return { contentType: 'message/rfc822', filename: `${id}.eml`, data: await s.messages.raw(id) };
  },
  'messages.mime': async (s, p) => (await s.parsed.get(str(p.id, 'id'))).parsed.tree,
  'messages.part': async (s, p) => {
    const { raw, parsed } = await s.parsed.get(str(p.id, 'id'));
    try {
      return extractPart(raw, parsed.tree, String(p.path ?? ''));
    } catch (e) {
      if ((e as Error).message.startsWith('no part')) throw notFound(`part ${p.path}`);
      throw e;
    }
  },
  'messages.markRead': async (s, p) => {
    const read = p.read === undefined ? true : p.read === true || (p.read as unknown) === 'true';
    return (await s.messages.markRead(str(p.id, 'id'), read)) ?? throwNotFound('message');
  },
  'messages.delete': async (s, p) => {
    const id = str(p.id, 'id');
    if (!s.messages.get(id)) throw notFound('message');
    const gone = await s.messages.delete([id]);
    s.parsed.forget(gone);
    return { deleted: gone.length };
  },
  'messages.clear': async (s) => {
    const gone = await s.messages.clear();
    s.parsed.forget(gone);
    return { deleted: gone.length };
  },
  'sessions.list': (s, p) => s.sessions.list({ ...p, offset: num(p.offset), limit: num(p.limit) }),
  'sessions.get': async (s, p) => {
    const id = str(p.id, 'id');
    const session = s.sessions.get(id) ?? throwNotFound('session');
    return { session, events: await s.sessions.events(id, num(p.offset), num(p.limit)) };
  },
  'sessions.wire': async (s, p) => {
    const id = str(p.id, 'id');
    if (!s.sessions.get(id)) throw notFound('session');
    return s.sessions.wire(id, num(p.offset), num(p.limit));
  },
  'sessions.secret': (s, p) => sessionSecret(s.sessions, str(p.id, 'id'), Number(p.seq)),
  'sessions.payload': (s, p) => sessionPayload(s.sessions, str(p.id, 'id'), Number(p.seq), num(p.limit)),
  'sessions.delete': async (s, p) => {
    const id = str(p.id, 'id');
    const found = s.sessions.get(id);
    if (!found) throw notFound('session');
    if (found.endedAt === null) throw new ApiError(409, 'session_open', 'the session is still open; it can be deleted once it closes');
    return { deleted: (await s.sessions.delete([id])).length };
  },
  'sessions.clear': async (s) => {
    const r = s.sessions.list({ limit: 1 });
    const all = s.sessions.list({ limit: Math.max(1, r.total) });
    return { deleted: (await s.sessions.delete(all.items.map((x) => x.id))).length };
  },
  'settings.get': (s) => s.settings.get(),
  'ca.info': (s) => s.ca.info(),
  'ca.export': (s, p) => {
    const format = p.format ?? 'pem';
    if (format !== 'pem' && format !== 'der' && format !== 'p12') throw badRequest('format must be pem, der or p12');
    return s.ca.export(format, typeof p.password === 'string' ? p.password : '');
  },
  'ca.regenerate': (s) => s.ca.regenerate(),
  'listeners.list': (s) => s.proxies.list(),
  'listeners.create': (s, p) => s.proxies.create(p),
  'listeners.update': (s, p) => s.proxies.update(str(p.name, 'name'), p),
  'listeners.delete': async (s, p) => ({ deleted: (await s.proxies.remove(str(p.name, 'name'))) ? 1 : 0 }),
  'listeners.start': (s, p) => s.proxies.start(str(p.name, 'name')),
  'listeners.stop': (s, p) => s.proxies.stop(str(p.name, 'name')),
  'replay.run': (s, p) => runReplay(s, p),
  'replay.serve': (s, p) => serveReplay(s, s.replays, p),
  'replay.stop': async (s, p) => ({ stopped: (await s.replays.stop(str(p.id, 'id'))) ? 1 : 0 }),
  'replay.list': (s) => s.replays.list(),
  'replay.result': async (s, p) => {
    const kept = await s.replayResults.get(str(p.sessionId, 'sessionId'));
    if (!kept) throw notFound('replay result');
    return kept;
  },
  'sessions.exportJson': (s, p) => exportSessionJson(s, p.id),
  'sessions.importJson': (s, p) => importSessionJson(s, p.session ?? p),
  'sessions.export': (s, p) => exportSession(s, p),
  'messages.export': (s, p) => exportMessages(s, p),
  'messages.import': (s, p) => importMessagesCall(s, p),
  'settings.update': async (s, p) => {
    if (typeof p !== 'object' || p === null) throw badRequest('settings must be an object');
    const next = await s.settings.update(p);
    s.emit('settings.changed', next);
    return next;
  },
};

function throwNotFound(what: string): never {
  throw notFound(what);
}
