// Reads a text/event-stream body (the SSE wire format of streamed chat completions) event by event.
// `data` fields, and llama-server's non-standard `error` field, matter; `event`, `id`, `retry` and comments are skipped. `[DONE]` ends the stream.

/**
 * Hands the data of each event in `body` to `onData` (multi-line data joined with "\n"), in order,
 * until the stream ends or an event's data is `[DONE]`. An `error:` field (llama-server writes a
 * failed generation as `error: {...}` instead of `data:`) goes to `onError`, before the event's data.
 * What a handler throws stops the reading (the body is cancelled) and is rethrown.
 */
export async function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => void,
  onError?: (error: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  let ended = false;
  const dispatch = (block: string): void => {
    const lines = block.split(/\r\n|\r|\n/);
    const errors = fieldValues(lines, 'error');
    if (errors.length > 0) onError?.(errors.join('\n'));
    const data = fieldValues(lines, 'data');
    if (data.length === 0) return;
    const text = data.join('\n');
    if (text.trim() === '[DONE]') {
      done = true;
      return;
    }
    onData(text);
  };
  try {
    while (!done) {
      const chunk = await reader.read();
      if (chunk.done) {
        ended = true;
        break;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let boundary = eventBoundary(buffer); boundary !== undefined && !done; boundary = eventBoundary(buffer)) {
        dispatch(buffer.slice(0, boundary.index));
        buffer = buffer.slice(boundary.index + boundary.length);
      }
    }
    buffer += decoder.decode();
    if (!done && buffer.trim() !== '') dispatch(buffer);
  } finally {
    // After [DONE], or when onData threw, the rest of the body is not wanted: cancel it.
    if (ended) reader.releaseLock();
    else await reader.cancel().catch(() => undefined);
  }
}

/** The values of field `name` in an event's lines (`name: value` or `name:value`). */
function fieldValues(lines: readonly string[], name: string): string[] {
  return lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(line.startsWith(`${name}: `) ? name.length + 2 : name.length + 1));
}

/** The first blank line (event separator) in `text`: `\n\n`, `\r\n\r\n` or `\r\r`. */
function eventBoundary(text: string): { index: number; length: number } | undefined {
  const match = /\r\n\r\n|\n\n|\r\r/.exec(text);
  return match ? { index: match.index, length: match[0].length } : undefined;
}
