// The shell: navigation on the left, the current view on the right.
import { Nav } from './components/Nav';
import { useRoute } from './state/route';
import { useMailNotifications } from './state/use-notifications';
import { useShortcuts } from './state/use-shortcuts';
import { MessagesView } from './views/messages/MessagesView';
import { ProxyView } from './views/proxy/ProxyView';
import { SessionsView } from './views/sessions/SessionsView';
import { SettingsView } from './views/settings/SettingsView';

export function App() {
  const route = useRoute();
  useMailNotifications();
  useShortcuts();
  return (
    <div className="app">
      <Nav current={route.view} />
      <main className="main">
        {route.view === 'messages' ? <MessagesView id={route.id} tab={route.tab} /> : null}
        {route.view === 'sessions' ? <SessionsView id={route.id} tab={route.tab} /> : null}
        {route.view === 'proxy' ? <ProxyView section={route.id} /> : null}
        {route.view === 'settings' ? <SettingsView /> : null}
      </main>
    </div>
  );
}
