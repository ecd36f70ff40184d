// Reads a request body as JSON with a size limit. An empty body reads as `{}` (AgentGym clients
// POST /create with no body); malformed JSON is a FastAPI-style 422, an oversized body a 413.
import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error.js';

/** Past the limit, this much more is read and discarded so the 413 can be answered; beyond it the connection is dropped. */
const DISCARD_LIMIT_BYTES = 64 << 20;

/**
 * The parsed JSON body of `request`; rejects with a `RequestError` (413, 422) when it cannot be
 * read. A body over `maxBytes` is read to its end without being kept, so the client (still
 * sending it) receives the 413 instead of a reset connection; one absurdly large is cut off.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > maxBytes + DISCARD_LIMIT_BYTES) {
        reject(tooLarge(maxBytes));
        request.destroy();
      }
    });
    request.on('error', reject);
    // A client that goes away mid-body: neither `end` nor always `error` follows.
    request.on('close', () => {
      if (!request.complete) reject(new RequestError(400, 'body-incomplete', 'The client closed the connection before the whole request body arrived.'));
    });
    request.on('end', () => {
      if (size > maxBytes) return reject(tooLarge(maxBytes));
      if (size === 0) return resolve({});
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(RequestError.invalidField({ type: 'json_invalid', loc: ['body', 0], msg: `JSON decode error: ${(error as Error).message}`, input: text.slice(0, 200) }));
      }
    });
  });
}

function tooLarge(maxBytes: number): RequestError {
  return new RequestError(413, 'body-too-large', `The request body is over ${maxBytes} bytes.`);
}
