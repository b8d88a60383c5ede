// A session: summary card with its actions, running server replays, then the Timeline or Wire
// tab (and Diff for a replay run).
import { useState } from 'react';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Tabs } from '../../components/Tabs';
import { navigate } from '../../state/route';
import { useReplayServers } from '../../state/use-replay-servers';
import { useTimeline } from '../../state/use-timeline';
import { ReplayDiffTab } from '../replay/ReplayDiffTab';
import { ServeReplayBar } from '../replay/ServeReplayBar';
import { SessionActions } from './SessionActions';
import { SessionHeader } from './SessionHeader';
import { TimelineView } from './TimelineView';
import { WireView } from './WireView';

export function SessionDetailView({ id, tab }: { id: string; tab: string | null }) {
  const tl = useTimeline(id);
  const servers = useReplayServers(id);
  const [actionError, setActionError] = useState<unknown>(null);
  if (tl.error && !tl.session) return <ErrorBanner error={tl.error} onRetry={tl.reload} />;
  if (!tl.session) return <div className="placeholder muted">Loading the session…</div>;
  const isReplay = tl.session.role === 'replay';
  const active = tab === 'wire' ? 'wire' : tab === 'diff' && isReplay ? 'diff' : 'timeline';
  return (
    <div className="session-detail" data-testid="session-detail">
      <SessionHeader s={tl.session} actions={<SessionActions s={tl.session} servers={servers} onError={setActionError} />} />
      <ServeReplayBar servers={servers} />
      <ErrorBanner error={actionError} compact />
      <Tabs
        tabs={[
          { id: 'timeline', label: 'Timeline' },
          { id: 'wire', label: 'Wire' },
          ...(isReplay ? [{ id: 'diff', label: 'Diff' }] : []),
        ]}
        active={active}
        onSelect={(t) => navigate('sessions', id, t)}
      />
      <ErrorBanner error={tl.error} onRetry={tl.reload} compact />
      <div className="tab-body">{active === 'timeline' ? <TimelineView tl={tl} /> : active === 'diff' ? <ReplayDiffTab session={tl.session} /> : <WireView session={tl.session} />}</div>
    </div>
  );
}
