// The left navigation: views, live connection state, theme toggle.
import type { ReactNode } from 'react';
import { useConnection } from '../api';
import { useAppData } from '../state/app-data';
import { routeHref, type View } from '../state/route';
import { MailIcon, MoonIcon, ProxyIcon, SessionsIcon, SettingsIcon, SunIcon } from './Icons';

const ITEMS: Array<{ view: View; label: string; icon: () => ReactNode }> = [
  { view: 'messages', label: 'Messages', icon: () => <MailIcon size={18} /> },
  { view: 'sessions', label: 'Sessions', icon: () => <SessionsIcon size={18} /> },
  { view: 'proxy', label: 'Proxy', icon: () => <ProxyIcon size={18} /> },
  { view: 'settings', label: 'Settings', icon: () => <SettingsIcon size={18} /> },
];

const STATE_LABEL = { open: 'Live', connecting: 'Connecting…', closed: 'Reconnecting…' } as const;

export function Nav({ current }: { current: View }) {
  const { state } = useConnection();
  const { theme, setTheme } = useAppData();
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand" title="mailtap">
        <span className="brand-mark">mt</span>
        <span className="brand-name">mailtap</span>
      </div>
      {ITEMS.map((it) => (
        <a key={it.view} href={routeHref(it.view)} className={`nav-item${current === it.view ? ' active' : ''}`} aria-current={current === it.view ? 'page' : undefined} data-testid={`nav-${it.view}`}>
          {it.icon()}
          <span>{it.label}</span>
        </a>
      ))}
      <div className="nav-spacer" />
      <div className={`conn conn-${state}`} title={`Live updates: ${STATE_LABEL[state]}`} data-testid="connection">
        <span className="conn-dot" />
        <span>{STATE_LABEL[state]}</span>
      </div>
      <button type="button" className="nav-item theme-toggle" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} data-testid="theme-toggle">
        {theme === 'dark' ? <SunIcon size={18} /> : <MoonIcon size={18} />}
        <span>{theme === 'dark' ? 'Light' : 'Dark'}</span>
      </button>
    </nav>
  );
}
