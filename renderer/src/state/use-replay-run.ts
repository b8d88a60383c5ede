// One client replay from the UI: replay.run, its live progress (replay.progress events of the
// source session) and the result, which is remembered for the replay session's Diff tab.
import { useCallback, useRef, useState } from 'react';
import type { ReplayResult, ReplayRunOptions } from '../../../shared/types';
import { useApi, useLiveEvents } from '../api';
import type { ApiEvents } from '../../../shared/api';
import { rememberReplay } from './replay-results';

export interface ReplayRunState {
  phase: 'idle' | 'running' | 'done' | 'failed';
  progress: { done: number; total: number } | null;
  result: ReplayResult | null;
  error: unknown;
}

const IDLE: ReplayRunState = { phase: 'idle', progress: null, result: null, error: null };

export function useReplayRun(sourceId: string): ReplayRunState & { run(o: ReplayRunOptions): Promise<ReplayResult | null>; reset(): void } {
  const api = useApi();
  const [state, setState] = useState<ReplayRunState>(IDLE);
  const running = useRef(false);

  useLiveEvents((batch) => {
    if (!running.current) return;
    let last: ApiEvents['replay.progress'] | null = null;
    for (const e of batch) {
      if (e.event === 'replay.progress' && (e.data as ApiEvents['replay.progress']).sourceId === sourceId) last = e.data as ApiEvents['replay.progress'];
    }
    if (last) setState((s) => (s.phase === 'running' ? { ...s, progress: { done: last.done, total: last.total } } : s));
  });

  const run = useCallback(
    async (options: ReplayRunOptions) => {
      running.current = true;
      setState({ phase: 'running', progress: null, result: null, error: null });
      try {
        const result = await api.call('replay.run', options);
        rememberReplay({ result, options });
        setState({ phase: 'done', progress: null, result, error: null });
        return result;
      } catch (error) {
        setState({ phase: 'failed', progress: null, result: null, error });
        return null;
      } finally {
        running.current = false;
      }
    },
    [api],
  );

  return { ...state, run, reset: () => setState(IDLE) };
}
