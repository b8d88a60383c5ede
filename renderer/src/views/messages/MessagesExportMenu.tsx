// Export messages as one mboxrd file: all of them, those the search matches, or the selected.
import { useApi } from '../../api';
import { DownloadIcon } from '../../components/Icons';
import { Menu, type MenuItem } from '../../components/Menu';
import { saveBytes } from '../../lib/bytes';
import { plural } from '../../lib/format';

export interface MessagesExportMenuProps {
  total: number;
  q: string;
  matching: number;
  /** Ctrl/⌘-clicked messages, else the open one. */
  selected: string[];
  onError: (e: unknown) => void;
}

export function MessagesExportMenu({ total, q, matching, selected, onError }: MessagesExportMenuProps) {
  const api = useApi();
  const save = (params: { q?: string; ids?: string }) =>
    api.call('messages.export', params).then((r) => saveBytes(r.data, r.contentType || 'application/mbox', r.filename), onError);
  const items: MenuItem[] = [
    { id: 'all', label: 'All messages', detail: plural(total, 'message'), disabled: total === 0 && !q, onSelect: () => void save({}) },
    ...(q ? [{ id: 'search', label: `Matching “${q}”`, detail: plural(matching, 'message'), disabled: matching === 0, onSelect: () => void save({ q }) }] : []),
    {
      id: 'selected',
      label: selected.length > 1 ? `Selected (${selected.length})` : 'Selected message',
      detail: selected.length ? plural(selected.length, 'message') : 'Open a message, or Ctrl/⌘-click several.',
      disabled: selected.length === 0,
      onSelect: () => void save({ ids: selected.join(',') }),
    },
  ];
  return (
    <Menu
      label={<DownloadIcon size={14} />}
      items={items}
      footer="mboxrd, oldest first: one file that mail clients and mailtap import read back byte for byte."
      className="ghost small"
      testId="messages-export"
      title="Export as mbox"
    />
  );
}
