/* malloc-hog: mallocs 1 MiB blocks, touching every page, until malloc returns NULL; then prints
 * "allocated N MiB before malloc failed" and exits 2 (tests the memory cap). The module declares
 * no maximum memory, so the limit is whatever cap the host applies. Do not run natively. */
#include <stdio.h>
#include <stdlib.h>

#define BLOCK (1024 * 1024)

int main(void) {
  unsigned long mib = 0;
  for (;;) {
    volatile unsigned char *p = malloc(BLOCK);
    if (!p) break;
    for (unsigned long i = 0; i < BLOCK; i += 4096) p[i] = (unsigned char)(i >> 12);
    p[BLOCK - 1] = 1;
    mib++;
  }
  printf("allocated %lu MiB before malloc failed\n", mib);
  return 2;
}
