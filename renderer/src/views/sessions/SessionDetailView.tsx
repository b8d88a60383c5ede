// A session: summary card, then the Timeline or Wire tab.
import { ErrorBanner } from '../../components/ErrorBanner';
import { Tabs } from '../../components/Tabs';
import { navigate } from '../../state/route';
import { useTimeline } from '../../state/use-timeline';
import { SessionHeader } from './SessionHeader';
import { TimelineView } from './TimelineView';
import { WireView } from './WireView';

export function SessionDetailView({ id, tab }: { id: string; tab: string | null }) {
  const tl = useTimeline(id);
  if (tl.error && !tl.session) return <ErrorBanner error={tl.error} onRetry={tl.reload} />;
  if (!tl.session) return <div className="placeholder muted">Loading the session…</div>;
  const active = tab === 'wire' ? 'wire' : 'timeline';
  return (
    <div className="session-detail" data-testid="session-detail">
      <SessionHeader s={tl.session} />
      <Tabs
        tabs={[
          { id: 'timeline', label: 'Timeline' },
          { id: 'wire', label: 'Wire' },
        ]}
        active={active}
        onSelect={(t) => navigate('sessions', id, t)}
      />
      <ErrorBanner error={tl.error} onRetry={tl.reload} compact />
      <div className="tab-body">{active === 'timeline' ? <TimelineView tl={tl} /> : <WireView session={tl.session} />}</div>
    </div>
  );
}
