// The empty detail pane: what to do, and the keys that do it.
import type { ReactNode } from 'react';

const KEYS: Array<[string[], string]> = [
  [['j', 'k'], 'next / previous'],
  [['Enter'], 'expand a timeline row'],
  [['/'], 'search'],
  [['g', 'm'], 'messages'],
  [['g', 's'], 'sessions'],
];

export function Placeholder({ icon, title }: { icon: ReactNode; title: string }) {
  return (
    <div className="pane-placeholder">
      <div className="empty-icon">{icon}</div>
      <p className="strong">{title}</p>
      <dl className="keys">
        {KEYS.map(([keys, what]) => (
          <div key={what}>
            <dt>
              {keys.map((k, i) => (
                <kbd key={i}>{k}</kbd>
              ))}
            </dt>
            <dd className="muted">{what}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
