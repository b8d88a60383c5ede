// The normalisation rules of a replay: built-in toggles, then the user's own regular
// expressions, each checked as it is typed (a match becomes "<*>" on both sides).
import { PlusIcon, TrashIcon } from '../../components/Icons';
import { RULES, type ReplayDraft, type RuleName } from './replay-draft';

export interface NormalisationFieldsProps {
  rules: ReplayDraft['rules'];
  patterns: string[];
  errors: Record<number, string>;
  onRules: (r: ReplayDraft['rules']) => void;
  onPatterns: (p: string[]) => void;
}

export function NormalisationFields({ rules, patterns, errors, onRules, onPatterns }: NormalisationFieldsProps) {
  const toggle = (name: RuleName, on: boolean) => onRules({ ...rules, [name]: on });
  const setPattern = (i: number, v: string) => onPatterns(patterns.map((p, k) => (k === i ? v : p)));
  return (
    <fieldset className="lf-leg rp-rules">
      <legend>Normalise before comparing</legend>
      <div className="rp-toggles">
        {RULES.map((r) => (
          <label key={r.name} className="rp-toggle" title={r.hint}>
            <input type="checkbox" checked={rules[r.name]} onChange={(e) => toggle(r.name, e.target.checked)} data-testid={`rp-rule-${r.name}`} />
            <span>
              {r.label}
              <span className="muted small rp-toggle-hint">{r.hint}</span>
            </span>
          </label>
        ))}
      </div>
      <div className="rp-patterns">
        <div className="rp-patterns-head">
          <span className="field-label">Your patterns</span>
          <span className="muted small">JavaScript regular expressions; what they match becomes &lt;*&gt; in both responses.</span>
        </div>
        {patterns.map((p, i) => (
          <div key={i} className={`rp-pattern${errors[i] ? ' invalid' : ''}`}>
            <span className="rp-slash mono muted">/</span>
            <input className="input mono" value={p} onChange={(e) => setPattern(i, e.target.value)} placeholder="id=[0-9a-f]+" aria-label={`Pattern ${i + 1}`} aria-invalid={Boolean(errors[i])} data-testid="rp-pattern" />
            <span className="rp-slash mono muted">/g</span>
            <button type="button" className="btn ghost small" onClick={() => onPatterns(patterns.filter((_, k) => k !== i))} aria-label={`Remove pattern ${i + 1}`}>
              <TrashIcon size={13} />
            </button>
            {errors[i] ? (
              <span className="field-error rp-pattern-error" role="alert" data-testid="rp-pattern-error">
                {errors[i]}
              </span>
            ) : null}
          </div>
        ))}
        <button type="button" className="btn small ghost rp-add" onClick={() => onPatterns([...patterns, ''])} data-testid="rp-add-pattern">
          <PlusIcon size={13} /> Add a pattern
        </button>
      </div>
    </fieldset>
  );
}
