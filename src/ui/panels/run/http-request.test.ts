import { describe, expect, it } from 'vitest';
import { draftRequest, parseHeaderLines } from './http-request';

describe('the HTTP request form', () => {
  it('reads "Name: value" lines, skipping blank ones', () => {
    expect(parseHeaderLines('Content-Type: application/json\n\nX-A:  b:c \n')).toEqual([
      ['Content-Type', 'application/json'],
      ['X-A', 'b:c'],
    ]);
  });

  it('names a malformed line', () => {
    expect(() => parseHeaderLines('X-A: 1\nno colon here')).toThrow(
      'Header line 2 is not "Name: value": "no colon here"',
    );
  });

  it('sends to /api/http/<name><path>, with a body except for GET', async () => {
    const post = draftRequest('http://localhost:5173', 'my fn', {
      method: 'POST',
      path: 'add?a=1',
      headers: 'X-A: 1',
      body: 'hi',
    });
    expect(post.url).toBe('http://localhost:5173/api/http/my%20fn/add?a=1');
    expect(post.headers.get('x-a')).toBe('1');
    expect(await post.text()).toBe('hi');
    const get = draftRequest('http://x', 'f', { method: 'GET', path: '/', headers: '', body: 'ignored' });
    expect(get.body).toBeNull();
  });
});
