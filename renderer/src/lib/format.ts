// Formatting for lists and timelines. Times in the timeline are microseconds (Micros).
import type { Address, Endpoint, Micros } from '../../../shared/types';

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** HH:MM:SS today, otherwise "23 Nov 09:03". */
export function formatListTime(date: Date, now = new Date()): string {
  if (Number.isNaN(date.getTime())) return '–';
  const sameDay = date.toDateString() === now.toDateString();
  if (sameDay) return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const month = date.toLocaleString('en', { month: 'short' });
  return `${date.getDate()} ${month} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) return '–';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export const microsToDate = (t: Micros): Date => new Date(t / 1000);

/** Wall-clock time with microseconds, for absolute timeline stamps. */
export function formatClockMicros(t: Micros): string {
  const d = microsToDate(t);
  const us = Math.floor(t % 1_000_000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(us, 6)}`;
}

/** Time since the session start: "+0.412ms", "+1.250s", "+2:03.1s". */
export function formatRelativeMicros(dt: Micros): string {
  const sign = dt < 0 ? '-' : '+';
  const a = Math.abs(dt);
  if (a < 1_000_000) return `${sign}${(a / 1000).toFixed(3)}ms`;
  if (a < 60_000_000) return `${sign}${(a / 1_000_000).toFixed(3)}s`;
  const m = Math.floor(a / 60_000_000);
  return `${sign}${m}:${pad(Math.floor((a % 60_000_000) / 1_000_000))}.${Math.floor((a % 1_000_000) / 100_000)}s`;
}

/** A duration: "850 µs", "12.3 ms", "1.25 s", "3m 07s". */
export function formatDuration(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  if (us < 60_000_000) return `${(us / 1_000_000).toFixed(2)} s`;
  const s = Math.round(us / 1_000_000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

export function formatAddress(a: Address | null | undefined): string {
  if (!a) return '';
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

export const shortAddress = (a: Address | null | undefined): string => (a ? a.name || a.address : '');

export function formatEndpoint(e: Endpoint | null | undefined): string {
  if (!e) return '–';
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
