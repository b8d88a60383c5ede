// The client the UI uses: MailtapApi (the shared contract) plus per-frame event batches and
// the live connection's state. Built over either transport.
import type { ApiEventEnvelope, ApiMethod, ApiParams, ApiResult, MailtapApi } from '../../../shared/api';
import { ApiClientError } from './errors';
import { EventQueue, type BatchListener } from './event-queue';
import type { ConnectionState } from './live-socket';
import type { Transport } from './transport';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Bumped each time the live connection comes back: views refetch what they may have missed. */
  generation: number;
}

export class MailtapClient implements MailtapApi {
  private readonly queue = new EventQueue();
  private readonly stateListeners = new Set<(c: ConnectionInfo) => void>();
  private conn: ConnectionInfo = { state: 'connecting', generation: 0 };
  private disconnect: (() => void) | null = null;

  constructor(private readonly transport: Transport) {}

  get kind(): Transport['kind'] {
    return this.transport.kind;
  }

  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    try {
      return await this.transport.call(method, params);
    } catch (err) {
      throw ApiClientError.from(err);
    }
  }

  /** One envelope at a time (the shared contract); delivery is still once per frame. */
  subscribe(listener: (e: ApiEventEnvelope) => void): () => void {
    return this.subscribeBatch((batch) => batch.forEach(listener));
  }

  /** All envelopes that arrived since the last animation frame, at once. */
  subscribeBatch(listener: BatchListener): () => void {
    this.start();
    return this.queue.subscribe(listener);
  }

  get connection(): ConnectionInfo {
    return this.conn;
  }

  onConnection(listener: (c: ConnectionInfo) => void): () => void {
    this.start();
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  close(): void {
    this.disconnect?.();
    this.disconnect = null;
  }

  private start(): void {
    if (this.disconnect) return;
    this.disconnect = this.transport.connect({
      onEvent: (e) => this.queue.push(e),
      onState: (state, reconnected) => {
        this.conn = { state, generation: this.conn.generation + (reconnected ? 1 : 0) };
        for (const l of [...this.stateListeners]) l(this.conn);
      },
    });
  }
}
