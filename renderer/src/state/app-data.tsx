// Data every view needs: server info (ports for the empty state), settings (theme) and the
// theme choice. Settings follow the live `settings.changed` event.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { DeepPartial } from '../../../shared/api';
import type { ServerInfo, Settings } from '../../../shared/types';
import { useApi, useConnection, useLiveEvents } from '../api';
import { rememberTheme, storedTheme, useEffectiveTheme, type EffectiveTheme, type ThemeChoice } from './theme';

export interface AppData {
  info: ServerInfo | null;
  infoError: unknown;
  settings: Settings | null;
  settingsError: unknown;
  reload(): void;
  saveSettings(patch: DeepPartial<Settings>): Promise<Settings>;
  themeChoice: ThemeChoice;
  theme: EffectiveTheme;
  setTheme(choice: ThemeChoice): void;
}

const Ctx = createContext<AppData | null>(null);

export function AppDataProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const { generation } = useConnection();
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [infoError, setInfoError] = useState<unknown>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [settingsError, setSettingsError] = useState<unknown>(null);
  const [themeChoice, setThemeChoice] = useState<ThemeChoice>(storedTheme);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    api.call('server.info', {}).then(
      (i) => live && (setInfo(i), setInfoError(null)),
      (e: unknown) => live && setInfoError(e),
    );
    api.call('settings.get', {}).then(
      (s) => {
        if (!live) return;
        setSettings(s);
        setSettingsError(null);
        setThemeChoice(s.ui.theme);
        rememberTheme(s.ui.theme);
      },
      (e: unknown) => live && setSettingsError(e),
    );
    return () => {
      live = false;
    };
  }, [api, generation, nonce]);

  useLiveEvents((batch) => {
    for (const e of batch) {
      if (e.event !== 'settings.changed') continue;
      const s = e.data as Settings;
      setSettings(s);
      setThemeChoice(s.ui.theme);
      rememberTheme(s.ui.theme);
    }
  });

  const saveSettings = useCallback(
    async (patch: DeepPartial<Settings>) => {
      const next = await api.call('settings.update', patch);
      setSettings(next);
      return next;
    },
    [api],
  );

  const setTheme = useCallback(
    (choice: ThemeChoice) => {
      setThemeChoice(choice);
      rememberTheme(choice);
      // The theme applies at once; saving it is best effort (a read-only server still themes).
      api.call('settings.update', { ui: { theme: choice } }).then(setSettings, () => undefined);
    },
    [api],
  );

  const theme = useEffectiveTheme(themeChoice);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const value: AppData = { info, infoError, settings, settingsError, reload, saveSettings, themeChoice, theme, setTheme };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAppData(): AppData {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAppData outside <AppDataProvider>');
  return v;
}

/** The SMTP sink's port from server.info (the first SMTP sink listener). */
export function smtpPort(info: ServerInfo | null): number | null {
  const l = info?.listeners.find((x) => x.protocol === 'smtp' && x.role === 'sink') ?? info?.listeners.find((x) => x.protocol === 'smtp');
  return l ? l.port : null;
}

export function smtpHost(info: ServerInfo | null): string {
  const l = info?.listeners.find((x) => x.protocol === 'smtp');
  const a = l?.address;
  return !a || a === '0.0.0.0' || a === '::' ? '127.0.0.1' : a;
}
