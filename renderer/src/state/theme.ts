// Theme: 'system' follows prefers-color-scheme. The last choice is kept in localStorage so the
// first paint is already in the right theme, before settings arrive from the API.
import { useEffect, useSyncExternalStore } from 'react';
import type { Settings } from '../../../shared/types';

export type ThemeChoice = Settings['ui']['theme'];
export type EffectiveTheme = 'light' | 'dark';

const KEY = 'mailtap.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'light' || v === 'dark' || v === 'system') return v;
  } catch {
    /* storage blocked */
  }
  return 'system';
}

export function rememberTheme(choice: ThemeChoice): void {
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    /* storage blocked */
  }
}

function useSystemDark(): boolean {
  return useSyncExternalStore(
    (notify) => {
      const m = media();
      m.addEventListener('change', notify);
      return () => m.removeEventListener('change', notify);
    },
    () => media().matches,
  );
}

export function useEffectiveTheme(choice: ThemeChoice): EffectiveTheme {
  const systemDark = useSystemDark();
  const effective: EffectiveTheme = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
  useEffect(() => {
    document.documentElement.dataset.theme = effective;
    document.documentElement.style.colorScheme = effective;
  }, [effective]);
  return effective;
}
