// Hash routes (#/messages/<id>/<tab>): they work from file:// in Electron and keep ?token=.
import { useSyncExternalStore } from 'react';

export type View = 'messages' | 'sessions' | 'proxy' | 'settings';

export interface Route {
  view: View;
  id: string | null;
  tab: string | null;
}

const VIEWS: readonly View[] = ['messages', 'sessions', 'proxy', 'settings'];

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode);
  const view = VIEWS.includes(parts[0] as View) ? (parts[0] as View) : 'messages';
  return { view, id: parts[1] ?? null, tab: parts[2] ?? null };
}

export function routeHref(view: View, id?: string | null, tab?: string | null): string {
  let h = `#/${view}`;
  if (id) h += `/${encodeURIComponent(id)}`;
  if (id && tab) h += `/${encodeURIComponent(tab)}`;
  return h;
}

export function navigate(view: View, id?: string | null, tab?: string | null): void {
  const href = routeHref(view, id, tab);
  if (window.location.hash !== href) window.location.hash = href;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

let cached: { hash: string; route: Route } | null = null;

function snapshot(): Route {
  const hash = window.location.hash;
  if (!cached || cached.hash !== hash) cached = { hash, route: parseHash(hash) };
  return cached.route;
}

function subscribe(notify: () => void): () => void {
  window.addEventListener('hashchange', notify);
  return () => window.removeEventListener('hashchange', notify);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}
