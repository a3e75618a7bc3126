// WAGI, the CGI of WebAssembly: a WASI command answers an HTTP request. The request's method,
// path, query and headers arrive as CGI environment variables (RFC 3875 plus WAGI's X_* names),
// its body on stdin, query parameters as arguments; the program writes a CGI response to stdout:
// header lines, a blank line, the body.

export interface CgiRoute {
  /** The route the handler is mounted at, e.g. "/api/http/router". */
  scriptName: string;
  /** The rest of the path after scriptName, still URL-encoded ("" or starting with "/"). */
  rawPathInfo: string;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The environment a WAGI handler sees for `request`. */
export function cgiEnvironment(request: Request, route: CgiRoute, bodyBytes: number): Record<string, string> {
  const url = new URL(request.url);
  const pathInfo = decodePath(route.rawPathInfo);
  const env: Record<string, string> = {
    AUTH_TYPE: '',
    CONTENT_LENGTH: String(bodyBytes),
    CONTENT_TYPE: request.headers.get('content-type') ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    PATH_INFO: pathInfo,
    PATH_TRANSLATED: pathInfo,
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_HOST: 'localhost',
    REMOTE_USER: '',
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: route.scriptName,
    SERVER_NAME: url.hostname,
    SERVER_PORT: url.port || (url.protocol === 'https:' ? '443' : '80'),
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'nanofaas',
    X_MATCHED_ROUTE: `${route.scriptName}/...`,
    X_FULL_URL: url.href,
    X_RAW_PATH_INFO: route.rawPathInfo,
    X_RELATIVE_PATH: pathInfo.replace(/^\//, ''),
  };
  for (const [name, value] of request.headers) {
    env['HTTP_' + name.toUpperCase().replace(/-/g, '_')] = value;
  }
  return env;
}

/** WAGI passes the query's parameters as command-line arguments after argv[0]. */
export function cgiArguments(request: Request): string[] {
  const query = new URL(request.url).search.slice(1);
  if (query === '') return [];
  return query.split('&').map((part) => decodePath(part.replace(/\+/g, ' ')));
}

export type CgiResult =
  | { ok: true; status: number; headers: [string, string][]; body: Uint8Array<ArrayBuffer> }
  | { ok: false; error: string };

const latin1 = new TextDecoder('latin1');

/** Finds the blank line that ends the headers: "\n\n" or "\r\n\r\n" (or a mix). */
function headerEnd(bytes: Uint8Array): { headersEnd: number; bodyStart: number } | null {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return { headersEnd: i, bodyStart: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { headersEnd: i, bodyStart: i + 3 };
  }
  return null;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a CGI response; a malformed one says what is wrong (the gateway answers 502 with it). */
export function parseCgiResponse(stdout: Uint8Array): CgiResult {
  if (stdout.length === 0)
    return {
      ok: false,
      error:
        'The handler wrote nothing to stdout. A CGI response is headers (at least Content-Type), a blank line, then the body.',
    };
  const end = headerEnd(stdout);
  if (!end)
    return {
      ok: false,
      error:
        'The handler\'s output has no blank line after the headers. A CGI response is headers (e.g. "Content-Type: text/plain"), a blank line, then the body.',
    };
  const lines = latin1
    .decode(stdout.subarray(0, end.headersEnd))
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const headers: [string, string][] = [];
  let status: number | null = null;
  let hasContentType = false;
  let hasLocation = false;
  for (const [i, line] of lines.entries()) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name))
      return {
        ok: false,
        error: `Line ${i + 1} of the handler's headers is not "Name: value": ${JSON.stringify(line.slice(0, 80))}`,
      };
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    if (lower === 'status') {
      const m = /^(\d{3})(\s.*)?$/.exec(value);
      const code = m ? Number(m[1]) : NaN;
      if (!(code >= 200 && code <= 599))
        return {
          ok: false,
          error: `The handler's Status header must start with a code from 200 to 599, got ${JSON.stringify(value)}`,
        };
      status = code;
      continue;
    }
    if (lower === 'content-type') hasContentType = true;
    if (lower === 'location') hasLocation = true;
    headers.push([name, value]);
  }
  if (!hasContentType && !hasLocation && status === null)
    return {
      ok: false,
      error:
        'The handler\'s headers have no Content-Type, Location or Status; add e.g. "Content-Type: text/plain".',
    };
  return {
    ok: true,
    status: status ?? (hasLocation ? 302 : 200),
    headers,
    body: stdout.slice(end.bodyStart),
  };
}
