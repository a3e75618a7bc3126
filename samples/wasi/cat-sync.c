/* cat-sync: copies the file named by argv[1] to stdout with blocking reads and writes.
 * On failure prints a clear message to stderr and exits 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cat-sync FILE\n");
    return 1;
  }
  const char *path = argv[1];
  FILE *in = fopen(path, "rb");
  if (!in) {
    fprintf(stderr, "cat-sync: cannot open '%s': %s\n", path, strerror(errno));
    return 1;
  }
  static char buf[64 * 1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    if (fwrite(buf, 1, n, stdout) != n) {
      fprintf(stderr, "cat-sync: write to stdout failed: %s\n", strerror(errno));
      fclose(in);
      return 1;
    }
  }
  if (ferror(in)) {
    fprintf(stderr, "cat-sync: read from '%s' failed: %s\n", path, strerror(errno));
    fclose(in);
    return 1;
  }
  fclose(in);
  if (fflush(stdout) != 0) {
    fprintf(stderr, "cat-sync: write to stdout failed: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}
