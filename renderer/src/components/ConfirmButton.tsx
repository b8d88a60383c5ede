// A destructive button that asks once inline ("Click again to confirm") instead of a modal.
import { useEffect, useState, type ReactNode } from 'react';

export function ConfirmButton({ onConfirm, children, confirmLabel, label, className, testId }: { onConfirm: () => void; children: ReactNode; confirmLabel: string; label?: string; className?: string; testId?: string }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  return (
    <button
      type="button"
      className={`btn ${armed ? 'danger' : 'ghost'} ${className ?? ''}`}
      data-testid={testId}
      title={armed ? 'Click again to confirm' : label}
      aria-label={armed ? confirmLabel : label}
      onClick={() => {
        if (!armed) return setArmed(true);
        setArmed(false);
        onConfirm();
      }}
    >
      {armed ? confirmLabel : children}
    </button>
  );
}
