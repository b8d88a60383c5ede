// A button that opens a small menu of actions below it; a click outside or Escape closes it.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface MenuItem {
  id: string;
  label: ReactNode;
  /** A second line: what the item gives, or a warning. */
  detail?: ReactNode;
  disabled?: boolean;
  onSelect: () => void;
}

export interface MenuProps {
  label: ReactNode;
  items: MenuItem[];
  /** Shown under the items: a hint about them. */
  footer?: ReactNode;
  align?: 'left' | 'right';
  className?: string;
  testId?: string;
  title?: string;
}

export function Menu({ label, items, footer, align = 'right', className, testId, title }: MenuProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => root.current && !root.current.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="menu-root" ref={root}>
      <button type="button" className={`btn ${className ?? ''}`} aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid={testId} title={title}>
        {label} <span className="menu-caret">▾</span>
      </button>
      {open ? (
        <div className={`menu menu-${align}`} role="menu" data-testid={testId ? `${testId}-items` : undefined} onKeyDown={(e) => e.stopPropagation()}>
          {items.map((it) => (
            <button
              key={it.id}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={it.disabled}
              data-testid={testId ? `${testId}-${it.id}` : undefined}
              onClick={() => {
                setOpen(false);
                it.onSelect();
              }}
            >
              <span className="menu-label">{it.label}</span>
              {it.detail ? <span className="menu-detail">{it.detail}</span> : null}
            </button>
          ))}
          {footer ? <div className="menu-footer">{footer}</div> : null}
        </div>
      ) : null}
    </div>
  );
}
