// Text with its differing parts marked: removed from the expected side, added on the actual.
import type { Segment } from '../../lib/text-diff';

export function DiffText({ segments, empty = '' }: { segments: Segment[] | null; empty?: string }) {
  if (!segments || segments.length === 0) return <span className="muted">{empty}</span>;
  return (
    <>
      {segments.map((s, i) =>
        s.op === 'same' ? (
          <span key={i}>{s.text}</span>
        ) : (
          <mark key={i} className={`dm dm-${s.op}`}>
            {s.text}
          </mark>
        ),
      )}
    </>
  );
}
