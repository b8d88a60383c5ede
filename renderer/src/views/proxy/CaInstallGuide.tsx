// Install steps for the local CA, a tab per OS (the one the UI runs on first).
import { useState } from 'react';
import { CopySnippet } from '../../components/CopySnippet';
import { INSTALL_GUIDES, guessOs, type CaOs } from './ca-install-steps';

export function CaInstallGuide() {
  const [os, setOs] = useState<CaOs>(() => guessOs(navigator.userAgent));
  const guide = INSTALL_GUIDES.find((g) => g.os === os)!;
  return (
    <section className="card" data-testid="ca-install">
      <h3>Trust the CA</h3>
      <div className="segmented os-tabs" role="tablist" aria-label="Operating system">
        {INSTALL_GUIDES.map((g) => (
          <button key={g.os} type="button" role="tab" aria-selected={g.os === os} className={g.os === os ? 'on' : ''} onClick={() => setOs(g.os)} data-testid={`ca-os-${g.os}`}>
            {g.label}
          </button>
        ))}
      </div>
      <p className="muted ca-intro">{guide.intro}</p>
      <ol className="install-steps" data-testid="ca-steps">
        {guide.steps.map((s) => (
          <li key={s.title}>
            <h4>{s.title}</h4>
            {s.note ? <p className="muted small">{s.note}</p> : null}
            {s.command ? <CopySnippet title={s.command.includes('\n') ? 'Commands' : 'Command'} text={s.command} /> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
