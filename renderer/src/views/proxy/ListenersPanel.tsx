// Proxy listeners: the table, the add/edit form above it, and an empty state that says what a
// listener is for and how to make one from the command line too.
import { useState } from 'react';
import type { ProxyListenerState } from '../../../../shared/types';
import { CopySnippet } from '../../components/CopySnippet';
import { ErrorBanner } from '../../components/ErrorBanner';
import { PlusIcon, ProxyIcon } from '../../components/Icons';
import { plural } from '../../lib/format';
import { useListeners } from '../../state/use-listeners';
import { ListenerForm } from './ListenerForm';
import { ListenerRow, listenerStatus } from './ListenerRow';
import { configOf, draftOf, emptyDraft } from './listener-draft';

type Editing = { kind: 'new' } | { kind: 'edit'; l: ProxyListenerState } | null;

export function ListenersPanel() {
  const ls = useListeners();
  const [editing, setEditing] = useState<Editing>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const act = (name: string, f: () => Promise<unknown>) => {
    setBusy(name);
    setActionError(null);
    f().then(
      () => setBusy(null),
      (e: unknown) => {
        setBusy(null);
        setActionError(e);
      },
    );
  };
  const running = ls.items.filter((l) => listenerStatus(l) === 'running').length;

  return (
    <div className="listeners" data-testid="listeners">
      <div className="panel-head">
        <p className="muted">
          A listener sits between a mail client and a real server, terminates TLS on both sides, and records both legs on the timeline.{' '}
          {ls.items.length ? `${plural(ls.items.length, 'listener')}, ${running} running.` : null}
        </p>
        <button type="button" className="btn primary" onClick={() => setEditing({ kind: 'new' })} disabled={editing?.kind === 'new'} data-testid="add-listener">
          <PlusIcon size={14} /> Add listener
        </button>
      </div>
      <ErrorBanner error={ls.error ?? actionError} onRetry={ls.reload} compact />
      {editing ? (
        <ListenerForm
          key={editing.kind === 'edit' ? editing.l.name : 'new'}
          initial={editing.kind === 'edit' ? draftOf(editing.l) : emptyDraft()}
          editing={editing.kind === 'edit'}
          onCancel={() => setEditing(null)}
          onSave={async (d) => {
            if (editing.kind === 'edit') await ls.update(editing.l.name, configOf(d));
            else await ls.create(configOf(d));
            setEditing(null);
          }}
        />
      ) : null}
      {ls.items.length ? (
        <div className="card table-card">
          <table className="grid-table listeners-table" data-testid="listeners-table">
            <thead>
              <tr>
                <th>State</th>
                <th>Name</th>
                <th>Protocol</th>
                <th>Listen</th>
                <th>Client TLS</th>
                <th />
                <th>Upstream</th>
                <th>Upstream TLS</th>
                <th>Cert check</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {ls.items.map((l) => (
                <ListenerRow
                  key={l.name}
                  l={l}
                  busy={busy === l.name}
                  onEdit={() => setEditing({ kind: 'edit', l })}
                  onDelete={() => act(l.name, () => ls.remove(l.name))}
                  onRunning={(on) => act(l.name, () => ls.setRunning(l.name, on))}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : !ls.loading && !editing ? (
        <div className="card empty-card" data-testid="listeners-empty">
          <div className="empty-icon">
            <ProxyIcon size={24} />
          </div>
          <h3>No proxy listeners yet</h3>
          <p className="muted">Add one to watch a real client talk to a real server: for example, listen on 127.0.0.1:2587 and relay to your provider’s submission port 587 with STARTTLS. Trust the local CA (next tab) so the client accepts mailtap’s certificate.</p>
          <CopySnippet title="Or from the command line" text="mailtap serve --proxy 'smtp://127.0.0.1:2587=smtp.example.com:587?tls=starttls&upstream-tls=starttls'" />
        </div>
      ) : null}
    </div>
  );
}
