// Sends a value through a real MessageChannel, its buffers transferred, and resolves with the copy
// that arrives: what structured clone and transfer do to a wire format, as between two threads.
export async function throughChannel<T>(value: T, transfer: Transferable[]): Promise<T> {
  const channel = new MessageChannel();
  const received = new Promise<T>((resolve) => {
    channel.port2.onmessage = (ev) => resolve(ev.data as T);
  });
  channel.port1.postMessage(value, transfer);
  const copy = await received;
  channel.port1.close();
  channel.port2.close();
  return copy;
}
