// `mailtap replay` and `serve-replay` through a running server: when a live mailtap holds the
// data directory (DATA/server.json, see core/server-marker.ts), the commands ask its API, so
// the run is recorded in that server's store, in its sessions list and timeline, linked to its
// source, like a replay started from the GUI.
import type { ReplayResult, ReplayRunOptions, ReplayServerState, SessionSummary, TlsMode } from '../shared/types.js';
import type { SessionDetail } from '../shared/api.js';

export class RemoteMailtap {
  constructor(private readonly base: string) {}

  private url(path: string): URL {
    const url = new URL(path, this.base);
    const token = new URL(this.base).searchParams.get('token');
    if (token) url.searchParams.set('token', token);
    return url;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(this.url(path), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error((json as { error?: { message?: string } } | null)?.error?.message ?? `the server answered ${r.status}`);
    return json as T;
  }

  async session(id: string): Promise<SessionSummary> {
    return (await this.call<SessionDetail>('GET', `/api/sessions/${encodeURIComponent(id)}?limit=1`)).session;
  }

  run(params: ReplayRunOptions): Promise<ReplayResult> {
    return this.call<ReplayResult>('POST', '/api/replay/run', params);
  }

  async exportJson(id: string): Promise<string> {
    const r = await fetch(this.url(`/api/sessions/${encodeURIComponent(id)}/export.json`));
    if (!r.ok) throw new Error(`the server answered ${r.status} to the export`);
    return r.text();
  }

  serve(sessionId: string, host: string, port: number, tls: TlsMode | 'auto'): Promise<ReplayServerState> {
    return this.call<ReplayServerState>('POST', '/api/replay/servers', { sessionId, host, port, tls });
  }

  stop(id: string): Promise<unknown> {
    return this.call('DELETE', `/api/replay/servers/${encodeURIComponent(id)}`);
  }
}
