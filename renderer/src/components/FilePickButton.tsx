// A button that opens the file picker; the chosen files go to onFiles, and the input is reset
// so picking the same file again still fires.
import { useRef, type ReactNode } from 'react';

export function FilePickButton({ accept, multiple, onFiles, children, className, title, testId, disabled }: { accept: string; multiple?: boolean; onFiles: (files: File[]) => void; children: ReactNode; className?: string; title?: string; testId?: string; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={`btn ${className ?? ''}`} onClick={() => input.current?.click()} title={title} aria-label={title} disabled={disabled}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept={accept}
        multiple={multiple}
        data-testid={testId}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}
