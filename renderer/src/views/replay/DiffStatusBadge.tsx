// The verdict of one exchange: match, mismatch, missing, extra or skipped.
import type { ExchangeDiffStatus } from '../../../../shared/types';
import { STATUS_CLASS, STATUS_HINT, STATUS_LABEL } from './diff-model';

export function DiffStatusBadge({ status }: { status: ExchangeDiffStatus }) {
  return (
    <span className={`diff-status ${STATUS_CLASS[status]}`} title={STATUS_HINT[status]} data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}
