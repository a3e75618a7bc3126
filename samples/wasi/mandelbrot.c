/* mandelbrot: The Computer Language Benchmarks Game mandelbrot (simple single-threaded version).
 * Usage: mandelbrot [N=200] [OUT=mandelbrot.pbm]. Writes an N×N binary PBM (P4) bitmap of the
 * Mandelbrot set to OUT (50 iterations, escape radius 2) and prints one summary line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Renders row y into row[] (one bit per pixel, rows padded to whole bytes). noinline: V8 runs a
 * Wasm function that is called only once (main) in its baseline tier (Liftoff) for the whole call,
 * since it has no on-stack replacement for Wasm; a function called per row tiers up to the
 * optimising compiler during the first run. */
__attribute__((noinline)) static void render_row(unsigned char *row, int y, int w, int h) {
  const int iter = 50;
  const double limit = 2.0;
  int bit_num = 0;
  unsigned char byte_acc = 0;
  size_t pos = 0;
  double Ci = 2.0 * y / h - 1.0;
  for (int x = 0; x < w; x++) {
    double Zr = 0.0, Zi = 0.0, Tr = 0.0, Ti = 0.0;
    double Cr = 2.0 * x / w - 1.5;
    for (int i = 0; i < iter && (Tr + Ti <= limit * limit); i++) {
      Zi = 2.0 * Zr * Zi + Ci;
      Zr = Tr - Ti + Cr;
      Tr = Zr * Zr;
      Ti = Zi * Zi;
    }
    byte_acc <<= 1;
    if (Tr + Ti <= limit * limit) byte_acc |= 0x01;
    bit_num++;
    if (bit_num == 8) {
      row[pos++] = byte_acc;
      byte_acc = 0;
      bit_num = 0;
    } else if (x == w - 1) {
      byte_acc <<= (8 - w % 8);
      row[pos++] = byte_acc;
      byte_acc = 0;
      bit_num = 0;
    }
  }
}

int main(int argc, char **argv) {
  int w = argc > 1 ? atoi(argv[1]) : 200;
  const char *path = argc > 2 ? argv[2] : "mandelbrot.pbm";
  int h = w;
  if (w < 1) {
    fprintf(stderr, "mandelbrot: N must be positive (got %d)\n", w);
    return 1;
  }
  size_t row_bytes = ((size_t)w + 7) / 8;
  unsigned char *row = malloc(row_bytes);
  if (!row) {
    fprintf(stderr, "mandelbrot: out of memory\n");
    return 1;
  }
  FILE *out = fopen(path, "wb");
  if (!out) {
    fprintf(stderr, "mandelbrot: cannot open '%s' for writing: %s\n", path, strerror(errno));
    return 1;
  }
  long long total = fprintf(out, "P4\n%d %d\n", w, h);

  for (int y = 0; y < h; y++) {
    render_row(row, y, w, h);
    if (fwrite(row, 1, row_bytes, out) != row_bytes) {
      fprintf(stderr, "mandelbrot: write to '%s' failed: %s\n", path, strerror(errno));
      return 1;
    }
    total += (long long)row_bytes;
  }
  if (fclose(out) != 0) {
    fprintf(stderr, "mandelbrot: write to '%s' failed: %s\n", path, strerror(errno));
    return 1;
  }
  free(row);
  printf("wrote %s (%dx%d, %lld bytes)\n", path, w, h, total);
  return 0;
}
