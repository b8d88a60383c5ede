// Global keys: "/" focuses the search box of the current view, g m / g s / g p / g , switch views.
import { useEffect } from 'react';
import { navigate } from './route';

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export function useShortcuts(): void {
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('.search input');
        if (search) {
          e.preventDefault();
          search.focus();
          search.select();
        }
        return;
      }
      if (e.key === 'g') {
        pendingG = Date.now();
        return;
      }
      if (Date.now() - pendingG > 1000) return;
      pendingG = 0;
      if (e.key === 'm') navigate('messages');
      else if (e.key === 's') navigate('sessions');
      else if (e.key === 'p') navigate('proxy');
      else if (e.key === ',') navigate('settings');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
