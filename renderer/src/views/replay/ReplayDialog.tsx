// "Replay against…": the form, then a progress bar fed by replay.progress, then the result:
// the replay session opens on its Diff tab. A run that could not start stays here with why.
import { useMemo, useState } from 'react';
import type { SessionSummary } from '../../../../shared/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { PlayIcon } from '../../components/Icons';
import { Modal } from '../../components/Modal';
import { ProgressBar } from '../../components/ProgressBar';
import { useAppData } from '../../state/app-data';
import { lastReplayOptions } from '../../state/replay-results';
import { navigate } from '../../state/route';
import { useReplayRun } from '../../state/use-replay-run';
import { defaultTarget, hasErrors, initialDraft, optionsOf, validateDraft, type ReplayDraft } from './replay-draft';
import { ReplayForm } from './ReplayForm';
import { ReplaySummary } from './ReplaySummary';

export function ReplayDialog({ session, onClose }: { session: SessionSummary; onClose: () => void }) {
  const { info } = useAppData();
  const suggested = useMemo(() => defaultTarget(session, info), [session, info]);
  const [draft, setDraft] = useState<ReplayDraft>(() => initialDraft(session, info, lastReplayOptions(session.id)));
  const [tried, setTried] = useState(false);
  const run = useReplayRun(session.id);
  const errors = useMemo(() => validateDraft(draft), [draft]);
  // Pattern errors show at once: a regex is easy to get wrong while typing it.
  const shown = tried ? errors : { patterns: errors.patterns };
  const running = run.phase === 'running';

  const start = () => {
    setTried(true);
    if (hasErrors(errors)) return;
    void run.run(optionsOf(session.id, draft)).then((result) => {
      if (result?.sessionId && !result.error) {
        onClose();
        navigate('sessions', result.sessionId, 'diff');
      }
    });
  };

  const footer = (
    <>
      {running ? (
        <div className="rp-progress" data-testid="replay-progress">
          <ProgressBar done={run.progress?.done ?? 0} total={run.progress?.total ?? null} label="Replay progress" />
          <span className="muted small mono">{run.progress ? `${run.progress.done.toLocaleString('en')} / ${run.progress.total.toLocaleString('en')} · ${Math.floor((100 * run.progress.done) / Math.max(1, run.progress.total))}%` : 'Connecting…'}</span>
        </div>
      ) : tried && hasErrors(errors) ? (
        <span className="field-error">Fix the fields marked above.</span>
      ) : (
        <span className="muted small">The run is recorded as a new session, linked to this one.</span>
      )}
      <div className="tabs-spacer" />
      <button type="button" className="btn ghost" onClick={onClose} disabled={running}>
        {run.result ? 'Close' : 'Cancel'}
      </button>
      <button type="button" className="btn primary" onClick={start} disabled={running} data-testid="rp-run">
        <PlayIcon size={13} /> {running ? 'Replaying…' : run.result ? 'Run again' : 'Run replay'}
      </button>
    </>
  );

  return (
    <Modal title={`Replay ${session.protocol.toUpperCase()} session against…`} onClose={onClose} busy={running} wide testId="replay-dialog" footer={footer}>
      <p className="muted rp-intro">
        Sends the recorded client side of <span className="mono">{session.id.slice(0, 12)}</span> exchange by exchange ({session.exchanges.toLocaleString('en')} recorded), waits for each response, and compares it with the recorded one.
      </p>
      <ErrorBanner error={run.error} compact />
      {run.result && (run.result.error || !run.result.sessionId) ? <ReplaySummary result={run.result} /> : null}
      <ReplayForm session={session} draft={draft} errors={shown} suggested={suggested} onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))} />
    </Modal>
  );
}
