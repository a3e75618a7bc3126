// The Run panel's HTTP request form, as data: "Name: value" header lines and the request it makes.
import { API_PREFIX } from '../../../gateway/wire';

export interface HttpDraft {
  method: string;
  path: string;
  headers: string;
  body: string;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** "Name: value" per line (blank lines ignored) → header pairs; a malformed line throws, naming it. */
export function parseHeaderLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new Error(`Header line ${i + 1} is not "Name: value": ${JSON.stringify(line)}`);
    out.push([name, line.slice(colon + 1).trim()]);
  }
  return out;
}

/** The request the form sends to the gateway's /api/http/<name><path>. */
export function draftRequest(origin: string, fn: string, draft: HttpDraft): Request {
  const path = draft.path.startsWith('/') || draft.path === '' ? draft.path : '/' + draft.path;
  const hasBody = draft.method !== 'GET' && draft.method !== 'HEAD';
  return new Request(`${origin}${API_PREFIX}http/${encodeURIComponent(fn)}${path}`, {
    method: draft.method,
    headers: parseHeaderLines(draft.headers),
    body: hasBody ? draft.body : null,
  });
}
