// The Diff tab of a replay session: the diff this window computed when it ran the replay, or,
// after a reload (replay.run returns the diff once and it is not stored), a way to run it again.
import type { SessionSummary } from '../../../../shared/types';
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
      <p className="muted">The diff of a replay is shown by the window that ran it. This one was run elsewhere, or before a reload; its timeline and wire log are here in full.</p>
      <ErrorBanner error={run.error} compact />
      {sourceId ? (
        <button type="button" className="btn primary" onClick={again} disabled={run.phase === 'running'}>
          <ReplayIcon size={14} /> {run.phase === 'running' ? 'Replaying…' : `Replay the source against ${target} again`}
        </button>
      ) : null}
    </div>
  );
}

export function ReplayDiffTab({ session }: { session: SessionSummary }) {
  const record = useReplayRecord(session.id);
  return record ? <ReplayDiffView result={record.result} /> : <RunAgain session={session} />;
}
