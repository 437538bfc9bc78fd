/**
 * The page's side of a worker that answers each `{ id, … }` request with one `{ id, … }` reply:
 * one promise per request, started on first use. A worker that fails settles every pending
 * request with `failed`'s reply.
 */
export function requestWorker<Request extends { readonly id: number }, Reply extends { readonly id: number }>(
  start: () => Worker,
  failed: (id: number, message: string) => Reply,
): (request: Omit<Request, 'id'>) => Promise<Reply> {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, (reply: Reply) => void>();
  const started = (): Worker => {
    if (worker !== undefined) return worker;
    worker = start();
    worker.onmessage = (event: MessageEvent<Reply>) => {
      pending.get(event.data.id)?.(event.data);
      pending.delete(event.data.id);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      for (const [id, resolve] of pending) resolve(failed(id, event.message));
      pending.clear();
    };
    return worker;
  };
  return (request) => {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      started().postMessage({ ...request, id });
    });
  };
}
