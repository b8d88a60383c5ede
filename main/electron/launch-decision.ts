// `npm start` (bin/start.js) opens the desktop app where it can and otherwise serves the same
// UI headless. The decision is made here, from facts passed in, so it can be tested without
// Electron, a display or a child process. Runs under plain Node: imports nothing from Electron.

export type LaunchDecision = { mode: 'electron'; binary: string } | { mode: 'headless'; reason: string };

export interface LaunchProbe {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** The Electron binary's path, as require('electron') gives it; throws when the package has none. */
  resolveElectron(): string;
  exists(path: string): boolean;
}

const firstLine = (s: string): string => s.split('\n', 1)[0]!.trim();

export function decideLaunch(p: LaunchProbe): LaunchDecision {
  const headless = (reason: string): LaunchDecision => ({ mode: 'headless', reason });
  if (p.env.MAILTAP_HEADLESS === '1') return headless('MAILTAP_HEADLESS=1 is set');
  let binary: string;
  try {
    binary = p.resolveElectron();
  } catch (err) {
    return headless(`no Electron binary: ${firstLine(err instanceof Error ? err.message : String(err))}`);
  }
  // Installing with ELECTRON_SKIP_BINARY_DOWNLOAD can leave a path that points at nothing.
  if (!p.exists(binary)) return headless(`no Electron binary at ${binary}`);
  // On Linux, Electron needs an X11 or Wayland server; without one it aborts at startup.
  // macOS and Windows always have a window server for a logged-in user.
  if (p.platform === 'linux' && !p.env.DISPLAY && !p.env.WAYLAND_DISPLAY) {
    return headless('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
  }
  return { mode: 'electron', binary };
}

export const headlessNotice = (reason: string): string =>
  `Electron could not start (${reason}); serving the UI headless instead`;

/** The part of a ChildProcess that watchStartup reads. */
export interface ChildLike {
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  readonly stderr?: { on(event: 'data', listener: (chunk: Buffer | string) => void): unknown } | null;
}

export type StartupOutcome =
  /** Still up after the grace period: the desktop app is running. */
  | { kind: 'running' }
  /** Ended on its own terms (exit 0, or a signal such as the user's Ctrl-C). */
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  /** Could not be spawned, or died with an error: fall back to headless. */
  | { kind: 'failed'; reason: string };

export interface WatchOptions {
  graceMs?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/**
 * Watches a freshly spawned Electron for its first seconds. A missing shared library, a sandbox
 * that cannot be set up or a display that refuses the connection all end the process with a
 * non-zero code and a line on stderr almost at once; that line becomes the reason.
 */
export function watchStartup(child: ChildLike, opts: WatchOptions = {}): Promise<StartupOutcome> {
  const set = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clear = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let tail = '';
  child.stderr?.on('data', (chunk) => {
    tail = (tail + chunk.toString()).slice(-4096);
  });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (o: StartupOutcome): void => {
      if (settled) return;
      settled = true;
      clear(timer);
      resolve(o);
    };
    const timer = set(() => settle({ kind: 'running' }), opts.graceMs ?? 3000);
    child.on('error', (err) => settle({ kind: 'failed', reason: firstLine(err.message) }));
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) settle({ kind: 'failed', reason: lastLine(tail) ?? `exit code ${code}` });
      else settle({ kind: 'exited', code, signal });
    });
  });
}

/** The last non-empty stderr line, clipped: Chromium's reasons are long. */
function lastLine(text: string): string | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1);
  if (!last) return null;
  return last.length > 200 ? `${last.slice(0, 199)}…` : last;
}
