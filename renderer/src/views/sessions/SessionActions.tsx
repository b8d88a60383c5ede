// The actions of a session, at the right of its header: replay its client side against a
// target, serve its server side, export it, delete it (once it has closed).
import { useState } from 'react';
import type { SessionSummary } from '../../../../shared/types';
import { useApi } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ReplayIcon, TrashIcon } from '../../components/Icons';
import { navigate } from '../../state/route';
import type { ReplayServers } from '../../state/use-replay-servers';
import { ReplayDialog } from '../replay/ReplayDialog';
import { ServeReplayButton } from '../replay/ServeReplayButton';
import { SessionExportMenu } from './SessionExportMenu';

export function SessionActions({ s, servers, onError }: { s: SessionSummary; servers: ReplayServers; onError: (e: unknown) => void }) {
  const api = useApi();
  const [replaying, setReplaying] = useState(false);
  const live = s.endedAt === null;
  const del = () => api.call('sessions.delete', { id: s.id }).then(() => navigate('sessions'), onError);
  return (
    <div className="sh-actions">
      <button type="button" className="btn small primary" onClick={() => setReplaying(true)} disabled={live} title={live ? 'The session is still live: replay it once it has closed' : 'Play the client side against a server and compare the responses'} data-testid="replay-open">
        <ReplayIcon size={14} /> Replay against…
      </button>
      <ServeReplayButton s={s} servers={servers} />
      <SessionExportMenu s={s} onError={onError} />
      {live ? null : (
        <ConfirmButton onConfirm={del} confirmLabel="Delete?" label="Delete this session and its wire log" className="small" testId="delete-session">
          <TrashIcon size={14} /> Delete
        </ConfirmButton>
      )}
      {replaying ? <ReplayDialog session={s} onClose={() => setReplaying(false)} /> : null}
    </div>
  );
}
