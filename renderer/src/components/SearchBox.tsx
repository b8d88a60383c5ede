// A search field that reports its value after a short pause in typing.
import { useEffect, useState } from 'react';
import { SearchIcon } from './Icons';

export function SearchBox({ value, onChange, placeholder, delayMs = 200 }: { value: string; onChange: (v: string) => void; placeholder: string; delayMs?: number }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => onChange(text), delayMs);
    return () => clearTimeout(t);
  }, [text, value, onChange, delayMs]);
  return (
    <label className="search">
      <SearchIcon size={14} />
      <input
        type="search"
        value={text}
        placeholder={placeholder}
        aria-label={placeholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setText('');
          e.stopPropagation();
        }}
      />
    </label>
  );
}
