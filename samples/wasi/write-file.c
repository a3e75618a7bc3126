/* write-file: reads input.txt if present, writes its upper-case version to out/result.txt
 * (creating the directory out), and writes data.bin holding the 256 bytes 0..255.
 * Tests the preopened file system: reading, mkdir and writing text and binary files. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char default_text[] = "no input.txt was given, so this is the default text.\n";

int main(void) {
  char *text = NULL;
  size_t len = 0;
  FILE *in = fopen("input.txt", "rb");
  if (in) {
    size_t cap = 4096;
    text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len, in)) > 0) {
      len += n;
      if (len == cap) {
        cap *= 2;
        char *bigger = realloc(text, cap);
        if (!bigger) free(text);
        text = bigger;
      }
    }
    fclose(in);
    if (!text) {
      fprintf(stderr, "write-file: out of memory\n");
      return 1;
    }
    printf("read %zu bytes from input.txt\n", len);
  } else {
    len = sizeof default_text - 1;
    text = malloc(len);
    if (!text) {
      fprintf(stderr, "write-file: out of memory\n");
      return 1;
    }
    memcpy(text, default_text, len);
    printf("input.txt not found, using the default text\n");
  }
  for (size_t i = 0; i < len; i++) text[i] = (char)toupper((unsigned char)text[i]);

  if (mkdir("out", 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "write-file: cannot create directory 'out': %s\n", strerror(errno));
    return 1;
  }
  FILE *out = fopen("out/result.txt", "wb");
  if (!out || fwrite(text, 1, len, out) != len || fclose(out) != 0) {
    fprintf(stderr, "write-file: cannot write 'out/result.txt': %s\n", strerror(errno));
    return 1;
  }
  printf("wrote out/result.txt (%zu bytes)\n", len);
  free(text);

  unsigned char data[256];
  for (int i = 0; i < 256; i++) data[i] = (unsigned char)i;
  FILE *bin = fopen("data.bin", "wb");
  if (!bin || fwrite(data, 1, sizeof data, bin) != sizeof data || fclose(bin) != 0) {
    fprintf(stderr, "write-file: cannot write 'data.bin': %s\n", strerror(errno));
    return 1;
  }
  printf("wrote data.bin (%zu bytes)\n", sizeof data);
  return 0;
}
