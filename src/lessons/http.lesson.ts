import type { Lesson } from './types';

export default {
  id: 'http',
  title: 'Functions behind HTTP',
  order: 11,
  summary: 'A function is an HTTP endpoint: a request in, a status code and a body out, through a gateway.',
  functions: [
    { name: 'sum-http', sample: 'sum' },
    { name: 'trap-http', sample: 'trap' },
    { name: 'echo-http', wasi: 'http-echo' },
  ],
  steps: [
    {
      fn: 'sum-http',
      text:
        "Serverless functions sit behind HTTP. This app's service worker is the gateway: a request to " +
        "/api/exec/<name>?5,2 reaches the platform in this tab (seed 003's syntax: arguments after the ?, " +
        'typed from the signature) and comes back as a response. It is a real fetch; try it in DevTools too.',
      buttons: [
        {
          label: 'GET /api/exec/sum-http?5,2',
          panel: 'console',
          actions: [{ do: 'http', fn: 'sum-http', path: '/api/exec/{fn}?5,2' }],
        },
      ],
    },
    {
      text:
        'The status line says what happened: 400 for arguments that do not fit the signature, 404 for a ' +
        'function that is not there, 500 for a trap (the body is the trap message), 504 for a timeout, 429 ' +
        'when the queue is full.',
      buttons: [
        {
          label: 'Send three bad requests',
          panel: 'console',
          actions: [
            { do: 'http', fn: 'sum-http', path: '/api/exec/{fn}?5' },
            { do: 'http', fn: 'sum-http', path: '/api/exec/no-such-function?1,2' },
            { do: 'http', fn: 'trap-http', path: '/api/exec/{fn}' },
          ],
        },
      ],
    },
    {
      fn: 'echo-http',
      text:
        'An HTTP function in the CGI style of WAGI: a WASI program gets the method, path and headers as ' +
        'environment variables and the body on stdin, and prints headers, a blank line and the body. ' +
        'echo-http (C source beside the binary) answers with what it received. The Run panel has a form for ' +
        'any request.',
      buttons: [
        {
          label: 'POST a JSON body to echo-http',
          panel: 'run',
          reveal: 'section[aria-label="HTTP request"]',
          actions: [
            {
              do: 'http',
              fn: 'echo-http',
              method: 'POST',
              path: '/api/http/{fn}/greet?lang=en',
              body: '{"hello": "world"}',
              contentType: 'application/json',
            },
          ],
        },
      ],
    },
  ],
} satisfies Lesson;
