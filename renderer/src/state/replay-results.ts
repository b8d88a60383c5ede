// Replay results of this window, by the replay session they recorded: replay.run returns the
// diff once, so the session view can show it again (the Diff tab) while the window lives. The
// last options per source session prefill the next "Replay against…".
import { useSyncExternalStore } from 'react';
import type { ReplayResult, ReplayRunOptions } from '../../../shared/types';

export interface ReplayRecord {
  result: ReplayResult;
  options: ReplayRunOptions;
}

const MAX_KEPT = 20;
const byReplaySession = new Map<string, ReplayRecord>();
const lastOptions = new Map<string, ReplayRunOptions>();
const listeners = new Set<() => void>();

export function rememberReplay(record: ReplayRecord): void {
  lastOptions.set(record.options.sessionId, record.options);
  if (!record.result.sessionId) return;
  byReplaySession.set(record.result.sessionId, record);
  // A diff of 10,000 exchanges is megabytes: keep the newest few only.
  while (byReplaySession.size > MAX_KEPT) byReplaySession.delete(byReplaySession.keys().next().value!);
  for (const l of [...listeners]) l();
}

export function lastReplayOptions(sourceId: string): ReplayRunOptions | undefined {
  return lastOptions.get(sourceId);
}

function subscribe(notify: () => void): () => void {
  listeners.add(notify);
  return () => listeners.delete(notify);
}

export function useReplayRecord(replaySessionId: string): ReplayRecord | undefined {
  return useSyncExternalStore(subscribe, () => byReplaySession.get(replaySessionId));
}
