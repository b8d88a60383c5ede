// The Diff tab of a replay session: the diff this window computed when it ran the replay, else
// the one the server kept (replay.result: after a reload, or a run from the CLI or another
// window), else, for a run from before diffs were kept, a way to run it again.
import { useEffect, useState } from 'react';
import type { SessionSummary, StoredReplayRun } from '../../../../shared/types';
import { ApiClientError, useApi } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ReplayIcon } from '../../components/Icons';
import { formatEndpoint } from '../../lib/format';
import { useReplayRecord } from '../../state/replay-results';
import { navigate } from '../../state/route';
import { useReplayRun } from '../../state/use-replay-run';
import { ReplayDiffView } from './ReplayDiffView';

function RunAgain({ session }: { session: SessionSummary }) {
  const sourceId = session.replayOf ?? '';
  const run = useReplayRun(sourceId);
  const target = formatEndpoint(session.server);
  const again = () =>
    void run.run({ sessionId: sourceId, target }).then((r) => {
      if (r?.sessionId) navigate('sessions', r.sessionId, 'diff');
    });
  return (
    <div className="pane-placeholder" data-testid="diff-unavailable">
      <div className="empty-icon">
        <ReplayIcon size={24} />
      </div>
      <p className="muted">No diff was kept for this replay run (it ran before mailtap kept them, or its diff was removed); its timeline and wire log are here in full.</p>
      <ErrorBanner error={run.error} compact />
      {sourceId ? (
        <button type="button" className="btn primary" onClick={again} disabled={run.phase === 'running'}>
          <ReplayIcon size={14} /> {run.phase === 'running' ? 'Replaying…' : `Replay the source against ${target} again`}
        </button>
      ) : null}
    </div>
  );
}

type Kept = { state: 'loading' } | { state: 'kept'; run: StoredReplayRun } | { state: 'none' } | { state: 'failed'; error: unknown };

/** The diff the server kept for this replay session, unless this window has its own. */
function useKeptDiff(sessionId: string, skip: boolean): Kept {
  const api = useApi();
  const [kept, setKept] = useState<Kept>({ state: 'loading' });
  useEffect(() => {
    if (skip) return;
    let live = true;
    setKept({ state: 'loading' });
    api.call('replay.result', { sessionId }).then(
      (run) => live && setKept({ state: 'kept', run }),
      (error: unknown) => live && setKept(error instanceof ApiClientError && error.status === 404 ? { state: 'none' } : { state: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [api, sessionId, skip]);
  return kept;
}

export function ReplayDiffTab({ session }: { session: SessionSummary }) {
  const record = useReplayRecord(session.id);
  const kept = useKeptDiff(session.id, !!record);
  if (record) return <ReplayDiffView result={record.result} />;
  if (kept.state === 'kept') return <ReplayDiffView result={kept.run.result} />;
  if (kept.state === 'loading') return <div className="pane-placeholder muted" data-testid="diff-loading">Loading the diff…</div>;
  if (kept.state === 'failed') return <div className="pane-placeholder"><ErrorBanner error={kept.error} /></div>;
  return <RunAgain session={session} />;
}
