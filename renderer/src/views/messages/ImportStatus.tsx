// The state of a message import under the list toolbar: a progress bar while the server reads
// the file, then what each file gave (imported, skipped and why, or the error).
import { describeError } from '../../api';
import { AlertIcon } from '../../components/Icons';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, plural } from '../../lib/format';
import type { FileImport, MessageImportState } from '../../state/use-message-import';

function FileResult({ f }: { f: FileImport }) {
  if (f.error) {
    return (
      <li className="st-err" data-testid="import-file-error">
        <AlertIcon size={12} /> <span className="mono">{f.name}</span>: {describeError(f.error)}
      </li>
    );
  }
  const r = f.result!;
  return (
    <li data-testid="import-file-result">
      <span className="mono">{f.name}</span> <span className="muted">({r.format}, {formatBytes(r.bytes)})</span>: <span className="st-ok strong">{plural(r.imported, 'message')} imported</span>
      {r.skipped.length ? <span className="st-warn">, {r.skipped.length} skipped</span> : null}
      {r.skipped.length ? (
        <ul className="import-skipped">
          {r.skipped.slice(0, 20).map((s) => (
            <li key={s.index} className="muted">
              #{s.index}: {s.reason}
            </li>
          ))}
          {r.skipped.length > 20 ? <li className="muted">… {r.skipped.length - 20} more</li> : null}
        </ul>
      ) : null}
    </li>
  );
}

export function ImportStatus({ state, onDismiss }: { state: MessageImportState; onDismiss: () => void }) {
  if (!state.running && state.files.length === 0) return null;
  const c = state.current;
  return (
    <div className="import-status" data-testid="import-status" role="status">
      {c ? (
        <div className="import-progress" data-testid="import-progress">
          <span className="small">
            Importing <span className="mono">{c.name}</span>
          </span>
          <ProgressBar done={c.bytes} total={c.total} label={`Importing ${c.name}`} />
          <span className="muted small mono">
            {formatBytes(c.bytes)}
            {c.total ? ` / ${formatBytes(c.total)}` : ''} · {c.imported} imported{c.skipped ? ` · ${c.skipped} skipped` : ''}
          </span>
        </div>
      ) : null}
      {state.files.length ? (
        <div className="import-results">
          <ul>
            {state.files.map((f, i) => (
              <FileResult key={i} f={f} />
            ))}
          </ul>
          {!state.running ? (
            <button type="button" className="btn ghost small" onClick={onDismiss} aria-label="Dismiss" data-testid="import-dismiss">
              ✕
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
