// A block of copyable text (commands, config) with a copy button.
import { useState } from 'react';
import { CopyIcon } from './Icons';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (non-secure origin): select-and-copy fallback.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export function CopySnippet({ title, text }: { title: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <figure className="snippet">
      <figcaption>
        <span>{title}</span>
        <button
          type="button"
          className="btn ghost small"
          onClick={() => {
            void copyText(text).then((ok) => {
              setCopied(ok);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          <CopyIcon size={13} /> {copied ? 'Copied' : 'Copy'}
        </button>
      </figcaption>
      <pre className="mono">{text}</pre>
    </figure>
  );
}
