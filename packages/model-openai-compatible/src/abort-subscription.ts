// One abort listener per signal, however many requests wait on it: Node warns of a possible leak past 10
// listeners on one signal, and an agent may hand one signal to dozens of concurrent and queued requests.

interface Subscribers {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const subscribersBySignal = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `callback` once when `signal` aborts (at once when it already has). Returns the function that
 * cancels the subscription; the signal's one listener is removed when its last subscription ends.
 */
export function subscribeToAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let subscribers = subscribersBySignal.get(signal);
  if (subscribers === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      subscribersBySignal.delete(signal);
      for (const subscribed of [...callbacks]) subscribed();
      callbacks.clear();
    };
    subscribers = { callbacks, listener };
    subscribersBySignal.set(signal, subscribers);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = subscribers;
  // A distinct wrapper per subscription, so the same callback subscribed twice is two subscriptions.
  const subscription = (): void => callback();
  callbacks.add(subscription);
  return () => {
    if (!callbacks.delete(subscription) || callbacks.size > 0) return;
    if (subscribersBySignal.get(signal) === subscribers) subscribersBySignal.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
