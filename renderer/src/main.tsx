// Entry point: one API client for the page's lifetime, the shared app data, the shell.
import { Component, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider, createClient } from './api';
import { App } from './App';
import { AppDataProvider } from './state/app-data';
import { storedTheme } from './state/theme';
import './styles/index.css';

// First paint in the remembered theme, before settings arrive.
const remembered = storedTheme();
document.documentElement.dataset.theme = remembered === 'system' ? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : remembered;

/** A render error shows its message and a reload button, never a blank window. */
class Crash extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h2>Something broke in the UI</h2>
        <pre className="mono">{this.state.error.stack ?? this.state.error.message}</pre>
        <button type="button" className="btn primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

const client = createClient();
createRoot(document.getElementById('root')!).render(
  <Crash>
    <ApiProvider client={client}>
      <AppDataProvider>
        <App />
      </AppDataProvider>
    </ApiProvider>
  </Crash>,
);
