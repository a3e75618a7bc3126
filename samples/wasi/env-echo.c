/* env-echo: prints what the host passed in, to test argv, environ, stdin, clocks and randomness.
 * argv[0] is not printed (hosts differ on what they put there); argc counts it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);

  const char *greeting = getenv("GREETING");
  if (greeting)
    printf("GREETING=%s\n", greeting);
  else
    printf("GREETING is not set\n");

  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) {
    fprintf(stderr, "env-echo: out of memory\n");
    return 1;
  }
  size_t n;
  while ((n = fread(buf + len, 1, cap - len, stdin)) > 0) {
    len += n;
    if (len == cap) {
      cap *= 2;
      char *bigger = realloc(buf, cap);
      if (!bigger) {
        fprintf(stderr, "env-echo: out of memory\n");
        return 1;
      }
      buf = bigger;
    }
  }
  printf("stdin: %zu bytes\n", len);
  fwrite(buf, 1, len, stdout);
  if (len > 0 && buf[len - 1] != '\n') putchar('\n');
  printf("(end of stdin)\n");
  free(buf);

  time_t now = time(NULL);
  printf("time() > 0: %s\n", now > 0 ? "yes" : "no");

  unsigned char rnd[8];
  memset(rnd, 0, sizeof rnd);
  if (getentropy(rnd, sizeof rnd) != 0) {
    printf("getentropy: failed\n");
  } else {
    int nonzero = 0;
    for (size_t i = 0; i < sizeof rnd; i++) nonzero |= rnd[i];
    printf("getentropy: %zu bytes%s\n", sizeof rnd, nonzero ? "" : " (all zero!)");
  }
  return 0;
}
