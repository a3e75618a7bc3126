import type { Lesson } from './types';

export default {
  id: 'wasi',
  title: 'WASI programs',
  order: 10,
  summary: 'Command-line programs compiled to Wasm: argv, environment, output streams and exit codes.',
  functions: [
    { name: 'env-echo', wasi: 'env-echo', argv: ['hello', 'world'], env: { GREETING: 'hi' } },
    { name: 'exit3', wasi: 'exit3' },
  ],
  steps: [
    {
      fn: 'env-echo',
      text:
        'WASI lets a program compiled from C see argv, environment variables, stdin and files, and end with an ' +
        'exit code. env-echo prints what it was given (the Run panel holds its inputs).',
      buttons: [
        {
          label: 'Run env-echo hello world, GREETING=hi',
          panel: 'run',
          actions: [{ do: 'run', fn: 'env-echo' }],
        },
      ],
    },
    {
      fn: 'exit3',
      text:
        'exit3 writes to stdout and stderr, then calls exit(3). The call is still ok: an exit code is the ' +
        "program's answer, not a platform failure.",
      buttons: [{ label: 'Run exit3', panel: 'run', actions: [{ do: 'run', fn: 'exit3' }] }],
    },
  ],
} satisfies Lesson;
