// The local CA: its fingerprint to compare, subject and validity, downloads in three formats,
// regeneration (asks first), and how to trust it on each OS.
import { useEffect, useState } from 'react';
import type { CaInfo } from '../../../../shared/types';
import { useApi } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { DownloadIcon, RefreshIcon, ShieldIcon } from '../../components/Icons';
import { saveBytes } from '../../lib/bytes';
import { formatDateTime } from '../../lib/format';
import { CaInstallGuide } from './CaInstallGuide';
import { fingerprintLines } from './ca-install-steps';

const FORMATS = [
  { format: 'pem', label: 'PEM', hint: 'Linux, macOS, Firefox, Node' },
  { format: 'der', label: 'DER (.cer)', hint: 'Windows' },
  { format: 'p12', label: 'PKCS#12', hint: 'Keychains, Android' },
] as const;

export function CaPanel() {
  const api = useApi();
  const [info, setInfo] = useState<CaInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    api.call('ca.info', {}).then(
      (i) => live && (setInfo(i), setError(null)),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, nonce]);

  const download = (format: 'pem' | 'der' | 'p12') =>
    api.call('ca.export', { format }).then((r) => saveBytes(r.data, r.contentType, r.filename), setError);

  const regenerate = () => {
    setBusy(true);
    api.call('ca.regenerate', {}).then(
      (i) => {
        setInfo(i);
        setBusy(false);
      },
      (e: unknown) => {
        setError(e);
        setBusy(false);
      },
    );
  };

  const expired = info ? new Date(info.notAfter).getTime() < Date.now() : false;
  return (
    <div className="ca-panel" data-testid="ca-panel">
      <ErrorBanner error={error} onRetry={() => setNonce((n) => n + 1)} compact />
      <section className="card ca-card">
        <div className="ca-title">
          <div className="empty-icon small-icon">
            <ShieldIcon size={20} />
          </div>
          <div>
            <h3>mailtap local CA</h3>
            <p className="muted small">Issues the certificates the sink and the proxy present. Its key never leaves this machine (mode 0600) and is never exported.</p>
          </div>
        </div>
        {info ? (
          <>
            <dl className="ca-facts">
              <dt>SHA-256 fingerprint</dt>
              <dd className="mono fingerprint" data-testid="ca-fingerprint" title={info.fingerprint}>
                {fingerprintLines(info.fingerprint).map((l) => (
                  <span key={l}>{l}</span>
                ))}
              </dd>
              <dt>Subject</dt>
              <dd className="mono" data-testid="ca-subject">{info.subject}</dd>
              <dt>Valid</dt>
              <dd>
                {formatDateTime(new Date(info.notBefore))} <span className="muted">to</span> {formatDateTime(new Date(info.notAfter))}
                {expired ? <span className="st-err"> · expired</span> : null}
              </dd>
              <dt>Certificate file</dt>
              <dd className="mono small">{info.certPath}</dd>
            </dl>
            <div className="ca-actions">
              {FORMATS.map((f) => (
                <button key={f.format} type="button" className="btn" onClick={() => void download(f.format)} title={f.hint} data-testid={`ca-download-${f.format}`}>
                  <DownloadIcon size={14} /> {f.label}
                </button>
              ))}
              <div className="tabs-spacer" />
              <ConfirmButton onConfirm={regenerate} confirmLabel="Regenerate? Clients must trust the new one" label="Make a new CA; every client must trust it again" testId="ca-regenerate">
                <RefreshIcon size={14} /> {busy ? 'Regenerating…' : 'Regenerate'}
              </ConfirmButton>
            </div>
          </>
        ) : !error ? (
          <p className="muted">Loading…</p>
        ) : null}
      </section>
      <CaInstallGuide />
    </div>
  );
}
