import type { IncomingMessage, ServerResponse } from 'node:http';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The headers a Connect-style middleware sets, found by running it once against a response that only
 * records them. For helmet built with fixed options (no per-request CSP nonce or function directive) they
 * are the same for every request, so the server adds them as one object instead of running helmet's
 * chain of a dozen middlewares and `setHeader` calls per request (~2% of a record create's CPU).
 * Throws when the middleware does not answer synchronously or fails: then its headers are not fixed.
 */
export function fixedHeaders(middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
      return recorder;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('the middleware did not finish synchronously: its headers are not fixed');
  return headers;
}
