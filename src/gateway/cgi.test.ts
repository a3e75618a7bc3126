import { describe, expect, it } from 'vitest';
import { cgiArguments, parseCgiResponse } from './cgi';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseCgiResponse', () => {
  it('reads headers up to the blank line (LF or CRLF) and keeps the body bytes as they are', () => {
    for (const nl of ['\n', '\r\n']) {
      const r = parseCgiResponse(bytes(`Content-Type: text/plain${nl}X-A:  b ${nl}${nl}line 1\r\n\n`));
      expect(r).toEqual({
        ok: true,
        status: 200,
        headers: [
          ['Content-Type', 'text/plain'],
          ['X-A', 'b'],
        ],
        body: bytes('line 1\r\n\n'),
      });
    }
  });

  it('takes the status from Status (reason ignored), and 302 for a bare Location', () => {
    expect(parseCgiResponse(bytes('Status: 404 Not Found\nContent-Type: text/plain\n\n'))).toMatchObject({
      status: 404,
      headers: [['Content-Type', 'text/plain']],
    });
    expect(parseCgiResponse(bytes('Location: /elsewhere\n\n'))).toMatchObject({ ok: true, status: 302 });
  });

  it.each([
    ['', /wrote nothing to stdout/],
    ['hello', /no blank line after the headers/],
    [
      'Content-Type: text/plain\nnot a header\n\nbody',
      /Line 2 of the handler's headers is not "Name: value": "not a header"/,
    ],
    ['X-Only: 1\n\n', /no Content-Type, Location or Status/],
    ['Status: teapot\n\n', /Status header must start with a code from 200 to 599, got "teapot"/],
    ['Status: 99\n\n', /code from 200 to 599/],
  ])('says what is wrong with %j', (out, error) => {
    const r = parseCgiResponse(bytes(out));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('cgiArguments', () => {
  it('passes query parameters as arguments, decoded', () => {
    expect(cgiArguments(new Request('http://x/a?name=Ada%20L&flag&b=1+2'))).toEqual([
      'name=Ada L',
      'flag',
      'b=1 2',
    ]);
    expect(cgiArguments(new Request('http://x/a'))).toEqual([]);
  });
});
