/* binary-trees: The Computer Language Benchmarks Game binary-trees (simple single-threaded
 * version). Usage: binary-trees [DEPTH=10]. Allocates every node with malloc and frees it with
 * free, so it stresses the allocator (dlmalloc in wasi-libc). */
#include <stdio.h>
#include <stdlib.h>

struct node {
  struct node *left, *right;
};

static struct node *bottom_up_tree(int depth) {
  struct node *n = malloc(sizeof *n);
  if (!n) {
    fprintf(stderr, "binary-trees: out of memory\n");
    exit(1);
  }
  if (depth > 0) {
    n->left = bottom_up_tree(depth - 1);
    n->right = bottom_up_tree(depth - 1);
  } else {
    n->left = n->right = NULL;
  }
  return n;
}

static long item_check(const struct node *n) {
  if (!n->left) return 1;
  return 1 + item_check(n->left) + item_check(n->right);
}

static void delete_tree(struct node *n) {
  if (n->left) {
    delete_tree(n->left);
    delete_tree(n->right);
  }
  free(n);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  const int min_depth = 4;
  int max_depth = min_depth + 2 > n ? min_depth + 2 : n;
  int stretch_depth = max_depth + 1;

  struct node *stretch = bottom_up_tree(stretch_depth);
  printf("stretch tree of depth %d\t check: %ld\n", stretch_depth, item_check(stretch));
  delete_tree(stretch);

  struct node *long_lived = bottom_up_tree(max_depth);

  for (int depth = min_depth; depth <= max_depth; depth += 2) {
    long iterations = 1L << (max_depth - depth + min_depth);
    long check = 0;
    for (long i = 1; i <= iterations; i++) {
      struct node *t = bottom_up_tree(depth);
      check += item_check(t);
      delete_tree(t);
    }
    printf("%ld\t trees of depth %d\t check: %ld\n", iterations, depth, check);
  }

  printf("long lived tree of depth %d\t check: %ld\n", max_depth, item_check(long_lived));
  delete_tree(long_lived);
  return 0;
}
