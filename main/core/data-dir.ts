import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The one default data directory, shared by `mailtap serve` and the desktop app so both see
 * the same mail: $MAILTAP_DATA, else the platform's per-user application-data directory.
 */
export function defaultDataDir(env: Record<string, string | undefined> = process.env, os: string = platform(), home: string = homedir()): string {
  if (env.MAILTAP_DATA) return resolve(env.MAILTAP_DATA);
  switch (os) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'mailtap');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'mailtap');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'mailtap');
  }
}
