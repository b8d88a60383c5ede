// The editable settings: SMTP limits and credentials, retention, appearance and notifications.
import type { Settings } from '../../../../shared/types';
import { TrashIcon } from '../../components/Icons';
import { formatBytes } from '../../lib/format';
import { Field, NumberInput } from './Field';
import type { Errors } from './validate';

export interface SettingsFormProps {
  draft: Settings;
  errors: Errors;
  onChange: (next: Settings) => void;
}

export function SettingsForm({ draft, errors, onChange }: SettingsFormProps) {
  const smtp = (patch: Partial<Settings['smtp']>) => onChange({ ...draft, smtp: { ...draft.smtp, ...patch } });
  const retention = (patch: Partial<Settings['retention']>) => onChange({ ...draft, retention: { ...draft.retention, ...patch } });
  const ui = (patch: Partial<Settings['ui']>) => onChange({ ...draft, ui: { ...draft.ui, ...patch } });
  const creds = draft.smtp.credentials;
  return (
    <>
      <section className="card">
        <h3>SMTP sink</h3>
        <div className="form-grid">
          <Field label="Host name" hint="Given in the 220 greeting and EHLO reply." error={errors['smtp.hostname']}>
            <input className="input mono" value={draft.smtp.hostname} onChange={(e) => smtp({ hostname: e.target.value })} data-testid="hostname" />
          </Field>
          <Field label="Maximum message size (bytes)" hint={`${formatBytes(draft.smtp.maxMessageSize)}, advertised as SIZE (RFC 1870).`} error={errors['smtp.maxMessageSize']}>
            <NumberInput value={draft.smtp.maxMessageSize} onChange={(v) => smtp({ maxMessageSize: v })} />
          </Field>
          <Field label="Maximum recipients" hint="RFC 5321 §4.5.3.1.8 asks for 100; a lower limit tests how your app handles 452." error={errors['smtp.maxRecipients']}>
            <NumberInput value={draft.smtp.maxRecipients} onChange={(v) => smtp({ maxRecipients: v })} />
          </Field>
          <Field label="Maximum line length (octets)" hint="RFC 5321 §4.5.3.1.4 sets 512 as the minimum." error={errors['smtp.maxLineLength']}>
            <NumberInput value={draft.smtp.maxLineLength} onChange={(v) => smtp({ maxLineLength: v })} testId="max-line-length" />
          </Field>
          <Field label="Idle timeout (ms)" hint={`${(draft.smtp.idleTimeoutMs / 1000).toFixed(0)} s without a command closes the connection with 421.`} error={errors['smtp.idleTimeoutMs']}>
            <NumberInput value={draft.smtp.idleTimeoutMs} onChange={(v) => smtp({ idleTimeoutMs: v })} />
          </Field>
          <Field label="Connections at once" hint="Per sink listener (SMTP, POP3, IMAP). One more is told the server is busy (421, -ERR [SYS/TEMP], * BYE [UNAVAILABLE])." error={errors['smtp.maxConnections']}>
            <NumberInput value={draft.smtp.maxConnections} onChange={(v) => smtp({ maxConnections: v })} testId="max-connections" />
          </Field>
        </div>
        <h4>Credentials</h4>
        <p className="muted small">{creds.length ? 'AUTH must match one of these.' : 'None: any user name and password are accepted.'}</p>
        {creds.map((c, i) => (
          <div key={i} className="cred-row">
            <input className="input mono" placeholder="user" value={c.user} aria-label={`User ${i + 1}`} onChange={(e) => smtp({ credentials: creds.map((x, j) => (j === i ? { ...x, user: e.target.value } : x)) })} />
            <input className="input mono" type="password" placeholder="password" value={c.password} aria-label={`Password ${i + 1}`} onChange={(e) => smtp({ credentials: creds.map((x, j) => (j === i ? { ...x, password: e.target.value } : x)) })} />
            <button type="button" className="btn ghost small" aria-label="Remove" onClick={() => smtp({ credentials: creds.filter((_, j) => j !== i) })}>
              <TrashIcon size={14} />
            </button>
            {errors[`smtp.credentials.${i}`] ? <span className="field-error">{errors[`smtp.credentials.${i}`]}</span> : null}
          </div>
        ))}
        <button type="button" className="btn small" onClick={() => smtp({ credentials: [...creds, { user: '', password: '' }] })}>
          Add credentials
        </button>
      </section>
      <section className="card">
        <h3>Retention</h3>
        <div className="form-grid">
          <Field label="Keep at most (messages)" hint="0 means no limit. The oldest go first." error={errors['retention.maxMessages']}>
            <NumberInput value={draft.retention.maxMessages} onChange={(v) => retention({ maxMessages: v })} />
          </Field>
          <Field label="Delete after (hours)" hint="0 means never." error={errors['retention.maxAgeHours']}>
            <NumberInput value={draft.retention.maxAgeHours} onChange={(v) => retention({ maxAgeHours: v })} />
          </Field>
          <Field label="Keep at most (sessions)" hint="0 means no limit." error={errors['retention.maxSessions']}>
            <NumberInput value={draft.retention.maxSessions} onChange={(v) => retention({ maxSessions: v })} />
          </Field>
        </div>
      </section>
      <section className="card">
        <h3>Appearance and notifications</h3>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <button key={t} type="button" role="radio" aria-checked={draft.ui.theme === t} className={draft.ui.theme === t ? 'on' : ''} onClick={() => ui({ theme: t })}>
              {t[0]!.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={draft.ui.notifications} onChange={(e) => ui({ notifications: e.target.checked })} />
          Notify me when a message arrives
        </label>
      </section>
    </>
  );
}
