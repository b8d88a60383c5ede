// The virtualised message list, with keyboard movement and paging as the user scrolls.
import { useCallback, useRef } from 'react';
import type { MessageSummary } from '../../../../shared/types';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import { useListCursor } from '../../components/use-list-cursor';
import { MESSAGE_ROW_HEIGHT, MessageRow } from './MessageRow';

export interface MessageListProps {
  items: MessageSummary[];
  selectedId: string | null;
  /** Ctrl/⌘-clicked messages (for export). */
  checked?: ReadonlySet<string>;
  /** toggle: the click had Ctrl or ⌘ held. */
  onOpen: (id: string, toggle?: boolean) => void;
  onNeedMore: () => void;
}

export function MessageList({ items, selectedId, checked, onOpen, onNeedMore }: MessageListProps) {
  const list = useRef<VirtualListHandle>(null);
  const onKeyDown = useListCursor(items, selectedId, onOpen, list);

  const onRangeChange = useCallback(
    (_start: number, end: number) => {
      if (end >= items.length - 20) onNeedMore();
    },
    [items.length, onNeedMore],
  );

  return (
    <VirtualList
      listRef={list}
      count={items.length}
      rowHeight={MESSAGE_ROW_HEIGHT}
      label="Messages"
      testId="message-list"
      onRangeChange={onRangeChange}
      onKeyDown={onKeyDown}
      renderRow={(i, top) => {
        const m = items[i]!;
        return <MessageRow key={m.id} m={m} top={top} selected={m.id === selectedId} checked={checked?.has(m.id)} onOpen={onOpen} />;
      }}
    />
  );
}
