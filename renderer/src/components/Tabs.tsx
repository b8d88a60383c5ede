// A tab strip; the selected tab lives in the caller's state (usually the route).
import type { ReactNode } from 'react';

export interface TabSpec {
  id: string;
  label: ReactNode;
  disabled?: boolean;
}

export function Tabs({ tabs, active, onSelect, right }: { tabs: TabSpec[]; active: string; onSelect: (id: string) => void; right?: ReactNode }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          className={`tab${t.id === active ? ' active' : ''}`}
          aria-selected={t.id === active}
          disabled={t.disabled}
          data-tab={t.id}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
      <div className="tabs-spacer" />
      {right}
    </div>
  );
}
