// Byte helpers: base64 (wire chunks travel as base64), text decoding, blobs and downloads.

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    bin += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(bin);
}

/** Decodes text with a MIME charset, falling back to UTF-8 when the label is unknown. */
export function decodeText(bytes: Uint8Array, charset?: string | null): string {
  const label = (charset || 'utf-8').toLowerCase();
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function toBlob(data: Uint8Array, contentType: string): Blob {
  // Copy into a plain ArrayBuffer-backed view: Blob rejects views over SharedArrayBuffer.
  return new Blob([new Uint8Array(data)], { type: contentType || 'application/octet-stream' });
}

/** Saves bytes through a temporary object URL and an <a download>. */
export function saveBytes(data: Uint8Array, contentType: string, filename: string): void {
  const url = URL.createObjectURL(toBlob(data, contentType));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename || 'download.bin';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function dataUrl(data: Uint8Array, contentType: string): string {
  return `data:${contentType || 'application/octet-stream'};base64,${bytesToBase64(data)}`;
}
