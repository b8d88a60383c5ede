// Importing .eml and mbox files (messages.import), one file after another, with the progress
// the server reports (messages.import.progress) and each file's result.
import { useCallback, useRef, useState } from 'react';
import type { ApiEvents } from '../../../shared/api';
import type { MessageImportResult } from '../../../shared/types';
import { useApi, useLiveEvents } from '../api';

export interface FileImport {
  name: string;
  size: number;
  result: MessageImportResult | null;
  error: unknown;
}

export interface MessageImportState {
  running: boolean;
  /** The file being imported now, and what the server has read of it. */
  current: { name: string; bytes: number; total: number | null; imported: number; skipped: number } | null;
  files: FileImport[];
}

const formatOf = (name: string): 'eml' | 'mbox' | 'auto' => (/\.eml$/i.test(name) ? 'eml' : /\.(mbox|mbx)$/i.test(name) ? 'mbox' : 'auto');

export function useMessageImport(): MessageImportState & { importFiles(files: File[]): Promise<void>; dismiss(): void } {
  const api = useApi();
  const [state, setState] = useState<MessageImportState>({ running: false, current: null, files: [] });
  const running = useRef(false);

  useLiveEvents((batch) => {
    if (!running.current) return;
    let last: ApiEvents['messages.import.progress'] | null = null;
    for (const e of batch) if (e.event === 'messages.import.progress') last = e.data as ApiEvents['messages.import.progress'];
    if (!last) return;
    const p = last;
    setState((s) => (s.current ? { ...s, current: { ...s.current, bytes: p.bytes, total: p.total ?? s.current.total, imported: p.imported, skipped: p.skipped } } : s));
  });

  const importFiles = useCallback(
    async (files: File[]) => {
      if (running.current || !files.length) return;
      running.current = true;
      const done: FileImport[] = [];
      setState({ running: true, current: null, files: [] });
      for (const f of files) {
        setState((s) => ({ ...s, current: { name: f.name, bytes: 0, total: f.size, imported: 0, skipped: 0 } }));
        try {
          const data = new Uint8Array(await f.arrayBuffer());
          const result = await api.call('messages.import', { data, format: formatOf(f.name), size: f.size });
          done.push({ name: f.name, size: f.size, result, error: null });
        } catch (error) {
          done.push({ name: f.name, size: f.size, result: null, error });
        }
        setState((s) => ({ ...s, files: [...done] }));
      }
      running.current = false;
      setState({ running: false, current: null, files: done });
    },
    [api],
  );

  return { ...state, importFiles, dismiss: () => setState({ running: false, current: null, files: [] }) };
}
