// The fields of "Replay against…": target and TLS, pace, certificate check, credentials,
// normalisation. Checks show once the user tries to run (and then as they type).
import type { SessionSummary, TlsMode } from '../../../../shared/types';
import { Field } from '../settings/Field';
import { CredentialsFields } from './CredentialsFields';
import { NormalisationFields } from './NormalisationFields';
import type { DraftErrors, ReplayDraft } from './replay-draft';

const TLS_LABEL: Record<TlsMode | 'auto', string> = { auto: 'As recorded', none: 'None (drop STARTTLS)', starttls: 'STARTTLS', implicit: 'Implicit TLS' };

export interface ReplayFormProps {
  session: SessionSummary;
  draft: ReplayDraft;
  errors: DraftErrors;
  suggested: string;
  onChange: (patch: Partial<ReplayDraft>) => void;
}

export function ReplayForm({ session, draft: d, errors, suggested, onChange }: ReplayFormProps) {
  const usesTls = d.tls === 'starttls' || d.tls === 'implicit' || (d.tls === 'auto' && session.tls);
  const what = session.role === 'proxy' ? 'the original upstream' : `mailtap’s own ${session.protocol.toUpperCase()} listener`;
  return (
    <div className="rp-form" data-testid="replay-form">
      <div className="lf-row rp-target-row">
        <Field label="Target" error={errors.target} hint={d.target === suggested ? `Prefilled: ${what}.` : <button type="button" className="link-btn" onClick={() => onChange({ target: suggested })}>Use {suggested} ({what})</button>}>
          <input className="input mono" value={d.target} onChange={(e) => onChange({ target: e.target.value })} placeholder="host:port" data-testid="rp-target" />
        </Field>
        <Field label="TLS">
          <select className="input" value={d.tls} onChange={(e) => onChange({ tls: e.target.value as ReplayDraft['tls'] })} data-testid="rp-tls">
            {(Object.keys(TLS_LABEL) as Array<keyof typeof TLS_LABEL>).map((m) => (
              <option key={m} value={m}>
                {TLS_LABEL[m]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Pace">
          <div className="segmented" role="radiogroup" aria-label="Pace">
            {(['fast', 'original'] as const).map((p) => (
              <button key={p} type="button" role="radio" aria-checked={d.pace === p} className={d.pace === p ? 'on' : ''} onClick={() => onChange({ pace: p })} data-testid={`rp-pace-${p}`}>
                {p === 'fast' ? 'As fast as possible' : 'Original timing'}
              </button>
            ))}
          </div>
        </Field>
      </div>
      <div className="lf-row rp-tls-row">
        {usesTls ? (
          <>
            <Field label="Server name (SNI)" hint="Empty: the target host.">
              <input className="input mono" value={d.servername} onChange={(e) => onChange({ servername: e.target.value })} placeholder={d.target.replace(/:\d+$/, '') || 'the target host'} data-testid="rp-servername" />
            </Field>
            <label className="check rp-check rp-verify">
              <input type="checkbox" checked={d.verify} onChange={(e) => onChange({ verify: e.target.checked })} data-testid="rp-verify" />
              <span>
                Verify the target’s certificate
                <span className="muted small rp-check-hint">{d.verify ? 'Against the system CAs and the local CA.' : 'Off: any certificate is accepted.'}</span>
              </span>
            </label>
          </>
        ) : (
          <p className="muted small rp-plain-note">Plain text: {session.tls ? 'the recorded STARTTLS is left out.' : 'the session was recorded without TLS.'}</p>
        )}
        <Field label="Timeout" error={errors.timeoutSec} hint="For each response.">
          <span className="rp-suffix">
            <input className="input mono" inputMode="decimal" value={d.timeoutSec} onChange={(e) => onChange({ timeoutSec: e.target.value })} data-testid="rp-timeout" />
            <span className="muted">s</span>
          </span>
        </Field>
      </div>
      {session.user ? (
        <CredentialsFields substitute={d.substitute} user={d.user} password={d.password} recordedUser={session.user} onChange={onChange} />
      ) : (
        <p className="muted small rp-note">The recording has no login, so there are no credentials to substitute.</p>
      )}
      <NormalisationFields rules={d.rules} patterns={d.patterns} errors={errors.patterns} onRules={(rules) => onChange({ rules })} onPatterns={(patterns) => onChange({ patterns })} />
    </div>
  );
}
