// An API failure shown in place, with a retry: never a blank screen.
import { describeError } from '../api';
import { AlertIcon } from './Icons';

export function ErrorBanner({ error, onRetry, compact }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  if (!error) return null;
  return (
    <div className={`error-banner${compact ? ' compact' : ''}`} role="alert" data-testid="error-banner">
      <AlertIcon />
      <span className="error-text">{describeError(error)}</span>
      {onRetry ? (
        <button type="button" className="btn small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
