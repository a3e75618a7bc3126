// The Blob each big uploaded module came from (the File the user picked) or was stored as.
// IndexedDB and workers take a Blob as a handle, so saving a 30 MB module or sending it to the
// compiler worker need not copy its bytes on the page's thread (hundreds of ms on a busy machine).
// Uploaded bytes are never changed in place, so the Blob stays equal to them.

const blobs = new WeakMap<Uint8Array, Blob>();

export function rememberBlob(bytes: Uint8Array, blob: Blob): void {
  if (blob.size === bytes.length) blobs.set(bytes, blob);
}

export function blobOf(bytes: Uint8Array): Blob | undefined {
  return blobs.get(bytes);
}
