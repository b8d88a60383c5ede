// The proxy page: its listeners, and the local CA whose certificates the proxy presents.
import { Tabs } from '../../components/Tabs';
import { navigate } from '../../state/route';
import { CaPanel } from './CaPanel';
import { ListenersPanel } from './ListenersPanel';

export function ProxyView({ section }: { section: string | null }) {
  const active = section === 'ca' ? 'ca' : 'listeners';
  return (
    <div className="page-scroll">
      <div className="proxy-page" data-testid="proxy-page">
        <h2>Proxy</h2>
        <Tabs
          tabs={[
            { id: 'listeners', label: 'Listeners' },
            { id: 'ca', label: 'Local CA' },
          ]}
          active={active}
          onSelect={(id) => navigate('proxy', id)}
        />
        <div className="proxy-body">{active === 'ca' ? <CaPanel /> : <ListenersPanel />}</div>
      </div>
    </div>
  );
}
