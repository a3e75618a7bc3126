// Saving and copying what the user asks for: one way to hand the browser a file (an object URL on
// a temporary link), whatever it holds, and the clipboard with a fallback.

/** Saves a blob as a file through the browser's download. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: Chromium reads the URL after click() returns, and revoking at once can cancel it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves text as a file (JSON unless `type` says otherwise). */
export function downloadText(filename: string, text: string, type = 'application/json'): void {
  downloadBlob(new Blob([text], { type }), filename);
}

/** Saves bytes as a file. */
export function downloadBytes(filename: string, bytes: Uint8Array, type = 'application/octet-stream'): void {
  downloadBlob(new Blob([bytes as BlobPart], { type }), filename);
}

/** A file-name-safe stamp: 2024-05-01T14-03-07. */
export function fileStamp(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** Copies text to the clipboard; falls back to selecting `field` and execCommand('copy'). */
export async function copyText(
  text: string,
  field?: HTMLInputElement | HTMLTextAreaElement,
): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
