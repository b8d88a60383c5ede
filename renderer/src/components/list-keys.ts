// Keyboard movement shared by the lists: j/k or arrows, PageUp/PageDown, Home/End.
export function nextIndex(key: string, index: number, count: number, page: number): number | null {
  if (count === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return clamp(index < 0 ? 0 : index + 1);
    case 'k':
    case 'ArrowUp':
      return clamp(index < 0 ? 0 : index - 1);
    case 'PageDown':
      return clamp(index + page);
    case 'PageUp':
      return clamp(index - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
