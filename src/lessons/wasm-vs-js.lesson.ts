import type { Lesson } from './types';

export default {
  id: 'wasm-vs-js',
  title: 'WebAssembly vs JavaScript',
  order: 9,
  summary: 'The same program compiled from C to Wasm and written in JavaScript, timed side by side.',
  functions: [],
  steps: [
    {
      text:
        'The Benchmarks panel runs a program as WebAssembly on the platform (cold and warm), the same bytes in ' +
        'a plain worker (direct), and its JavaScript version in that worker. mandelbrot draws a 500×500 ' +
        'bitmap with floating-point loops; 5 runs each.',
      buttons: [
        {
          label: 'Run mandelbrot: Wasm vs JS',
          panel: 'benchmarks',
          actions: [{ do: 'benchmark', programs: ['mandelbrot'], runs: 5 }],
        },
      ],
    },
    {
      text:
        'Warm minus direct is what the platform adds; direct against JavaScript is the language. Integer-heavy ' +
        'and allocation-heavy programs differ:',
      buttons: [
        {
          label: 'Run fannkuch-redux and binary-trees',
          panel: 'benchmarks',
          actions: [{ do: 'benchmark', programs: ['fannkuch-redux', 'binary-trees'], runs: 5 }],
        },
      ],
    },
  ],
} satisfies Lesson;
