/* exit3: prints to stdout and stderr, then exits with status 3 (tests proc_exit and exit codes). */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("exiting with 3\n");
  fprintf(stderr, "exit3: this line goes to stderr\n");
  exit(3);
}
