/* fannkuch-redux: The Computer Language Benchmarks Game fannkuch-redux
 * (simple single-threaded version). Usage: fannkuch-redux [N=7].
 * Prints the checksum and "Pfannkuchen(N) = M" (the maximum number of flips). */
#include <stdio.h>
#include <stdlib.h>

/* Counts the flips for one permutation. noinline: V8 runs a Wasm function that is called only
 * once in its baseline tier (Liftoff) for the whole call (no on-stack replacement for Wasm);
 * a function called per permutation tiers up to the optimising compiler during the first run. */
__attribute__((noinline)) static int count_flips(int *perm, const int *perm1, int n) {
  for (int i = 0; i < n; i++) perm[i] = perm1[i];
  int flips = 0;
  int k;
  while ((k = perm[0]) != 0) {
    int k2 = (k + 1) >> 1;
    for (int i = 0; i < k2; i++) {
      int t = perm[i];
      perm[i] = perm[k - i];
      perm[k - i] = t;
    }
    flips++;
  }
  return flips;
}

static int fannkuchredux(int n, int *checksum_out) {
  int *perm = calloc((size_t)n, sizeof *perm);
  int *perm1 = calloc((size_t)n, sizeof *perm1);
  int *count = calloc((size_t)n, sizeof *count);
  if (!perm || !perm1 || !count) {
    fprintf(stderr, "fannkuch-redux: out of memory\n");
    exit(1);
  }
  int max_flips = 0, perm_count = 0, checksum = 0;
  for (int i = 0; i < n; i++) perm1[i] = i;
  int r = n;

  for (;;) {
    while (r != 1) {
      count[r - 1] = r;
      r--;
    }
    int flips = count_flips(perm, perm1, n);
    if (flips > max_flips) max_flips = flips;
    checksum += (perm_count % 2 == 0) ? flips : -flips;

    /* Next permutation (incremental change). */
    for (;;) {
      if (r == n) {
        free(perm);
        free(perm1);
        free(count);
        *checksum_out = checksum;
        return max_flips;
      }
      int perm0 = perm1[0];
      for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = perm0;
      count[r]--;
      if (count[r] > 0) break;
      r++;
    }
    perm_count++;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 7;
  if (n < 1 || n > 12) {
    fprintf(stderr, "fannkuch-redux: N must be between 1 and 12 (got %d)\n", n);
    return 1;
  }
  int checksum;
  int max_flips = fannkuchredux(n, &checksum);
  printf("%d\nPfannkuchen(%d) = %d\n", checksum, n, max_flips);
  return 0;
}
