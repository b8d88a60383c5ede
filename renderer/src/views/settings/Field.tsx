// A labelled form field with its hint and validation message.
import type { ReactNode } from 'react';

export function Field({ label, hint, error, children }: { label: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <label className={`field${error ? ' invalid' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint muted">{hint}</span>
      ) : null}
    </label>
  );
}

export function NumberInput({ value, onChange, testId }: { value: number; onChange: (v: number) => void; testId?: string }) {
  return <input type="number" className="input mono" value={Number.isFinite(value) ? value : ''} data-testid={testId} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />;
}
