// Time from command to completed reply, as a bar scaled to the session's slowest exchange.
import { formatDuration } from '../../lib/format';

export function LatencyBar({ us, max }: { us: number | null; max: number }) {
  if (us === null || us === undefined) return <span className="latency" />;
  const pct = max > 0 ? Math.max(2, Math.round((us / max) * 100)) : 0;
  return (
    <span className="latency" title={`${formatDuration(us)} from command to final reply`}>
      <span className="latency-track">
        <span className="latency-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="latency-label mono">{formatDuration(us)}</span>
    </span>
  );
}
