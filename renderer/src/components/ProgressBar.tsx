// A determinate bar when the total is known, an indeterminate stripe otherwise.
export function ProgressBar({ done, total, label, testId }: { done: number; total: number | null; label?: string; testId?: string }) {
  const known = total !== null && total > 0;
  const pct = known ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className={`progress${known ? '' : ' indeterminate'}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={known ? total : undefined} aria-valuenow={known ? done : undefined} data-testid={testId}>
      <span className="progress-fill" style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
