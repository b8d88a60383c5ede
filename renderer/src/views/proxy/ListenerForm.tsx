// Add or edit a proxy listener. Checks run as you type (after a first save attempt); what the
// API still refuses (a taken name, say) shows at the field it is about, in the API's words.
import { useMemo, useState, type FormEvent } from 'react';
import type { Protocol, TlsMode } from '../../../../shared/types';
import { ApiClientError, describeError } from '../../api';
import { Field } from '../settings/Field';
import { USUAL_PORTS, fieldOfApiMessage, validateDraft, type DraftErrors, type ListenerDraft } from './listener-draft';

const PROTOCOLS: Protocol[] = ['smtp', 'pop3', 'imap'];
const MODE_LABEL: Record<TlsMode, string> = { none: 'None (plain)', starttls: 'STARTTLS', implicit: 'Implicit TLS' };

export interface ListenerFormProps {
  initial: ListenerDraft;
  editing: boolean;
  onSave: (d: ListenerDraft) => Promise<unknown>;
  onCancel: () => void;
}

function ModeSelect({ value, onChange, testId }: { value: TlsMode; onChange: (m: TlsMode) => void; testId: string }) {
  return (
    <select className="input" value={value} onChange={(e) => onChange(e.target.value as TlsMode)} data-testid={testId}>
      {(Object.keys(MODE_LABEL) as TlsMode[]).map((m) => (
        <option key={m} value={m}>
          {MODE_LABEL[m]}
        </option>
      ))}
    </select>
  );
}

export function ListenerForm({ initial, editing, onSave, onCancel }: ListenerFormProps) {
  const [d, setD] = useState(initial);
  const [tried, setTried] = useState(false);
  const [apiErrors, setApiErrors] = useState<DraftErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const local = useMemo(() => validateDraft(d), [d]);
  const errors: DraftErrors = { ...(tried ? local : {}), ...apiErrors };
  const set = (patch: Partial<ListenerDraft>) => {
    setD((x) => ({ ...x, ...patch }));
    setApiErrors({});
  };
  const usual = USUAL_PORTS[d.protocol];

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setTried(true);
    setFailure(null);
    if (Object.keys(local).length) return;
    setSaving(true);
    onSave(d).then(
      () => setSaving(false),
      (err: unknown) => {
        setSaving(false);
        const e = ApiClientError.from(err);
        const field = e.status === 400 || e.status === 409 ? fieldOfApiMessage(e.message) : null;
        if (field) setApiErrors({ [field]: e.message.replace(/^proxy: /, '') });
        else setFailure(err);
      },
    );
  };

  return (
    <form className="card listener-form" onSubmit={submit} noValidate data-testid="listener-form" aria-label={editing ? `Edit ${initial.name}` : 'New listener'}>
      <h3>{editing ? `Edit ${initial.name}` : 'New proxy listener'}</h3>
      <p className="muted small">Point your mail client at the listen address; mailtap records both legs and relays to the upstream server.</p>
      <div className="form-grid lf-grid">
        <Field label="Name" error={errors.name} hint={editing ? 'The name cannot change.' : 'Letters, digits, “_”, “.”, “-”.'}>
          <input className="input mono" value={d.name} disabled={editing} onChange={(e) => set({ name: e.target.value })} data-testid="lf-name" placeholder="gmail-submission" />
        </Field>
        <Field label="Protocol">
          <div className="segmented" role="radiogroup" aria-label="Protocol">
            {PROTOCOLS.map((p) => (
              <button key={p} type="button" role="radio" aria-checked={d.protocol === p} className={d.protocol === p ? 'on' : ''} onClick={() => set({ protocol: p, upstreamPort: String(d.upstreamTls === 'implicit' ? USUAL_PORTS[p].implicit : USUAL_PORTS[p].starttls) })}>
                {p.toUpperCase()}
              </button>
            ))}
          </div>
        </Field>
      </div>
      <fieldset className="lf-leg">
        <legend>Client side</legend>
        <div className="lf-row">
          <Field label="Listen address" error={errors.listenHost}>
            <input className="input mono" value={d.listenHost} onChange={(e) => set({ listenHost: e.target.value })} data-testid="lf-listen-host" />
          </Field>
          <Field label="Port" error={errors.listenPort} hint="0 picks a free port.">
            <input className="input mono" inputMode="numeric" value={d.listenPort} onChange={(e) => set({ listenPort: e.target.value })} data-testid="lf-listen-port" />
          </Field>
          <Field label="TLS to the client" hint="Uses a certificate from the local CA." error={errors.clientTls}>
            <ModeSelect value={d.clientTls} onChange={(m) => set({ clientTls: m })} testId="lf-client-tls" />
          </Field>
        </div>
        <div className="lf-row">
          <Field label="Connections at once" error={errors.maxConnections} hint="One more is told the server is busy, in its protocol.">
            <input className="input mono lf-count" inputMode="numeric" value={d.maxConnections} onChange={(e) => set({ maxConnections: e.target.value })} data-testid="lf-max-connections" />
          </Field>
        </div>
      </fieldset>
      <fieldset className="lf-leg">
        <legend>Upstream server</legend>
        <div className="lf-row">
          <Field label="Host" error={errors.upstreamHost}>
            <input className="input mono" value={d.upstreamHost} onChange={(e) => set({ upstreamHost: e.target.value })} data-testid="lf-upstream-host" placeholder="smtp.example.com" />
          </Field>
          <Field label="Port" error={errors.upstreamPort} hint={`Usually ${usual.starttls} (STARTTLS) or ${usual.implicit} (implicit).`}>
            <input className="input mono" inputMode="numeric" value={d.upstreamPort} onChange={(e) => set({ upstreamPort: e.target.value })} data-testid="lf-upstream-port" />
          </Field>
          <Field label="TLS to the server" error={errors.upstreamTls}>
            <ModeSelect value={d.upstreamTls} onChange={(m) => set({ upstreamTls: m })} testId="lf-upstream-tls" />
          </Field>
        </div>
        <div className="lf-row">
          <Field label="Server name (SNI)" error={errors.servername} hint="Sent upstream and checked against its certificate; empty means the host.">
            <input className="input mono" value={d.servername} onChange={(e) => set({ servername: e.target.value })} placeholder={d.upstreamHost || 'the upstream host'} data-testid="lf-servername" />
          </Field>
          <label className="check lf-check">
            <input type="checkbox" checked={d.verifyUpstream} onChange={(e) => set({ verifyUpstream: e.target.checked })} data-testid="lf-verify" />
            <span>
              Verify the server’s certificate
              {!d.verifyUpstream ? <span className="st-warn small"> · off: any certificate is accepted</span> : null}
            </span>
          </label>
        </div>
      </fieldset>
      {!editing ? (
        <label className="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          Start it now, and whenever mailtap starts
        </label>
      ) : null}
      <div className="lf-actions">
        {failure ? <span className="field-error">{describeError(failure)}</span> : null}
        {tried && Object.keys(local).length ? <span className="field-error">Fix the fields marked above.</span> : null}
        <div className="tabs-spacer" />
        <button type="button" className="btn ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={saving} data-testid="lf-save">
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Add listener'}
        </button>
      </div>
    </form>
  );
}
