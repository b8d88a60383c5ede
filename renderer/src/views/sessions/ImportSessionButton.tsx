// Import a session exported as JSON (sessions.importJson): it is recreated with its wire log
// and timeline, under the same id when that is free, and opens.
import { useState } from 'react';
import { useApi } from '../../api';
import { FilePickButton } from '../../components/FilePickButton';
import { UploadIcon } from '../../components/Icons';
import { navigate } from '../../state/route';

export function ImportSessionButton({ onImported, onError }: { onImported: () => void; onError: (e: unknown) => void }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const importFiles = async (files: File[]) => {
    setBusy(true);
    onError(null);
    try {
      let last: string | null = null;
      for (const f of files) last = (await api.call('sessions.importJson', { session: await f.text() })).id;
      onImported();
      if (last) navigate('sessions', last);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FilePickButton accept=".json,application/json" multiple onFiles={(f) => void importFiles(f)} className="ghost small" title="Import a session exported as JSON" testId="import-session-input" disabled={busy}>
      <UploadIcon size={14} />
    </FilePickButton>
  );
}
