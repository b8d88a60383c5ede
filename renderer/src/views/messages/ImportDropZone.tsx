// Drop .eml and mbox files anywhere on the messages list to import them; an overlay says so
// while files are dragged over it.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { UploadIcon } from '../../components/Icons';

const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

export function ImportDropZone({ onFiles, children, className }: { onFiles: (files: File[]) => void; children: ReactNode; className?: string }) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  return (
    <div
      className={`drop-zone ${className ?? ''}`}
      data-testid="import-drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) onFiles(files);
      }}
    >
      {children}
      {over ? (
        <div className="drop-overlay" aria-hidden>
          <UploadIcon size={28} />
          <strong>Drop to import</strong>
          <span className="muted small">.eml messages and mbox files are added as if caught.</span>
        </div>
      ) : null}
    </div>
  );
}
