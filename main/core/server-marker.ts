// DATA/server.json: while a mailtap server (`mailtap serve`, the desktop app) runs on a data
// directory, it names the process and the API's URL there. The store is single-writer (its
// indexes live in the server's memory), so a command that must write to the store, such as
// `mailtap import`, goes through the running server's API instead of opening the files; and a
// second server on the same directory refuses to start. A command that opens the store itself
// writes the marker too, with no URL, so that a server cannot start under it.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServerMarker {
  pid: number;
  /**
   * The UI/API URL, with ?token= when the server requires one (the file is 0600 in a 0700
   * directory); empty while a command (not a server) has the store open.
   */
  url: string;
  startedAt: string;
}

const file = (dataDir: string): string => join(dataDir, 'server.json');

export async function writeServerMarker(dataDir: string, url: string): Promise<void> {
  const m: ServerMarker = { pid: process.pid, url, startedAt: new Date().toISOString() };
  await writeFile(file(dataDir), JSON.stringify(m) + '\n', { mode: 0o600 });
}

/** Removes the marker if it is this process's own (a newer server may have replaced it). */
export async function removeServerMarker(dataDir: string): Promise<void> {
  const m = await readMarker(dataDir);
  if (m?.pid === process.pid) await rm(file(dataDir), { force: true });
}

async function readMarker(dataDir: string): Promise<ServerMarker | null> {
  try {
    const m = JSON.parse(await readFile(file(dataDir), 'utf8')) as ServerMarker;
    return Number.isInteger(m.pid) && typeof m.url === 'string' ? m : null;
  } catch {
    return null;
  }
}

/**
 * Take the data directory for this process, or explain who has it. A marker naming a process
 * that is gone (a crash) is taken over.
 */
export async function claimDataDir(dataDir: string, url: string): Promise<void> {
  const other = await runningServer(dataDir);
  if (other && other.pid !== process.pid) {
    const who = other.url ? `a mailtap server (pid ${other.pid}, ${other.url.replace(/\?token=.*$/, '')})` : `a mailtap command (pid ${other.pid})`;
    throw new Error(`${who} is using ${dataDir}; stop it or give another --data directory (if no mailtap is running, delete ${file(dataDir)})`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeServerMarker(dataDir, url);
}

/** The server running on this data directory, if any; a marker left by a crash is ignored. */
export async function runningServer(dataDir: string): Promise<ServerMarker | null> {
  const m = await readMarker(dataDir);
  if (!m) return null;
  try {
    process.kill(m.pid, 0); // signal 0: only asks whether the process exists
    return m;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? m : null;
  }
}
