// Reads a request body as JSON with a size limit. An empty body reads as `{}` (AgentGym clients
// POST /create with no body); malformed JSON is a FastAPI-style 422.
import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error.js';

/** The parsed JSON body of `request`; rejects with a `RequestError` (413, 422) when it cannot be read. */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new RequestError(413, 'body-too-large', `The request body is over ${maxBytes} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
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
