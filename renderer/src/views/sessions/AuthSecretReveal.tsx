// The AUTH marker: mechanism, user, the secret masked, and a reveal toggle. Revealing asks the
// server (sessions.secret), which decodes it again from the wire log; nothing unmasked is
// kept once hidden again.
import { useState } from 'react';
import type { AuthSecret } from '../../../../shared/api';
import type { AuthEvent } from '../../../../shared/types';
import { describeError, useApi } from '../../api';
import { EyeIcon, EyeOffIcon } from '../../components/Icons';

type Revealed = { state: 'hidden' } | { state: 'loading' } | { state: 'shown'; s: AuthSecret } | { state: 'failed'; message: string };

export function AuthText({ e, sessionId }: { e: AuthEvent; sessionId: string }) {
  const api = useApi();
  const [r, setR] = useState<Revealed>({ state: 'hidden' });
  const outcome = e.ok === null ? <span className="muted">pending</span> : e.ok ? <span className="st-ok">accepted</span> : <span className="st-err">rejected</span>;
  const shown = r.state === 'shown' || r.state === 'loading';
  const toggle = () => {
    if (shown) return setR({ state: 'hidden' });
    setR({ state: 'loading' });
    api.call('sessions.secret', { id: sessionId, seq: e.seq }).then(
      (s) => setR((cur) => (cur.state === 'loading' ? { state: 'shown', s } : cur)),
      (err: unknown) => setR({ state: 'failed', message: describeError(err) }),
    );
  };
  return (
    <span>
      <b>AUTH</b> {e.mechanism} <span className="muted">user</span> <span className="mono">{e.user ?? '?'}</span>
      {e.secretMasked !== null ? (
        <>
          {' '}
          <span className="muted">{secretLabel(e.mechanism, r)}</span> <SecretValue r={r} />
          <button
            type="button"
            className="btn ghost tiny reveal"
            title={shown ? 'Hide the secret' : 'Reveal the secret (decoded from the wire log)'}
            aria-label={shown ? 'Hide the secret' : 'Reveal the secret'}
            aria-pressed={shown}
            data-testid="auth-reveal"
            onClick={(ev) => {
              ev.stopPropagation();
              toggle();
            }}
          >
            {shown ? <EyeOffIcon size={12} /> : <EyeIcon size={12} />}
          </button>
        </>
      ) : null}{' '}
      · {outcome}
    </span>
  );
}

/** What the secret is: a digest (CRAM-MD5, APOP) and a bearer token (XOAUTH2, OAUTHBEARER) are not passwords. */
function secretLabel(mechanism: string, r: Revealed): string {
  const kind = r.state === 'shown' ? r.s.kind : null;
  if (kind === 'digest') return 'digest';
  if (kind === 'token' || mechanism === 'XOAUTH2' || mechanism === 'OAUTHBEARER') return 'bearer token';
  return 'secret';
}

function SecretValue({ r }: { r: Revealed }) {
  if (r.state === 'loading') return <span className="mono secret muted" data-testid="auth-secret">…</span>;
  if (r.state === 'failed') return <span className="mono secret st-err" data-testid="auth-secret" title={r.message}>unavailable</span>;
  if (r.state === 'shown') {
    const { secret, note } = r.s;
    return (
      <span className={`mono secret revealed${secret === null ? ' muted' : ''}`} data-testid="auth-secret" title={note ?? undefined} onClick={(ev) => ev.stopPropagation()}>
        {secret ?? 'none decoded'}
      </span>
    );
  }
  return <span className="mono secret" data-testid="auth-secret">••••••</span>;
}
