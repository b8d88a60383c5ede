// Substituted AUTH credentials for a replay. Off: the recorded ones are sent again. The password
// stays masked unless the user shows it.
import { useState } from 'react';
import { EyeIcon, EyeOffIcon } from '../../components/Icons';
import { Field } from '../settings/Field';

export interface CredentialsFieldsProps {
  substitute: boolean;
  user: string;
  password: string;
  recordedUser: string | null;
  onChange: (patch: { substitute?: boolean; user?: string; password?: string }) => void;
}

export function CredentialsFields({ substitute, user, password, recordedUser, onChange }: CredentialsFieldsProps) {
  const [shown, setShown] = useState(false);
  return (
    <fieldset className="lf-leg">
      <legend>Credentials</legend>
      <label className="check rp-check">
        <input type="checkbox" checked={substitute} onChange={(e) => onChange({ substitute: e.target.checked })} data-testid="rp-substitute" />
        <span>
          Substitute the AUTH credentials
          <span className="muted small rp-check-hint">{substitute ? 'An empty field keeps the recorded value.' : `Off: the recorded ones are sent again${recordedUser ? ` (user ${recordedUser})` : ''}.`}</span>
        </span>
      </label>
      {substitute ? (
        <div className="lf-row rp-cred-row">
          <Field label="User">
            <input className="input mono" value={user} onChange={(e) => onChange({ user: e.target.value })} autoComplete="off" data-testid="rp-user" />
          </Field>
          <Field label="Password" hint="CRAM-MD5 and APOP digests are computed again from it; for XOAUTH2 and OAUTHBEARER it is the bearer token.">
            <span className="rp-secret">
              <input className="input mono" type={shown ? 'text' : 'password'} value={password} onChange={(e) => onChange({ password: e.target.value })} autoComplete="new-password" data-testid="rp-password" />
              <button type="button" className="btn ghost small" onClick={() => setShown((s) => !s)} aria-label={shown ? 'Hide the password' : 'Show the password'} title={shown ? 'Hide' : 'Show'}>
                {shown ? <EyeOffIcon size={14} /> : <EyeIcon size={14} />}
              </button>
            </span>
          </Field>
        </div>
      ) : null}
    </fieldset>
  );
}
