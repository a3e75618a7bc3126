/* http-echo: a WAGI (CGI) HTTP handler that answers with the request it received, as JSON:
 * method, path, query, headers (the HTTP_* variables) and the body read from stdin.
 * Deploy it and call /api/http/http-echo/any/path?x=1 (POST a body too). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

/* Writes s as a JSON string (quotes, escapes, control characters as \u00XX). */
static void json_string(const char *s, size_t len) {
  putchar('"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c == '\n')
      fputs("\\n", stdout);
    else if (c == '\r')
      fputs("\\r", stdout);
    else if (c == '\t')
      fputs("\\t", stdout);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static void json_env(const char *name) {
  const char *v = getenv(name);
  if (!v) v = "";
  json_string(v, strlen(v));
}

int main(void) {
  size_t cap = 4096, len = 0, n;
  char *body = malloc(cap);
  if (!body) return 1;
  while ((n = fread(body + len, 1, cap - len, stdin)) > 0) {
    len += n;
    if (len == cap) {
      char *bigger = realloc(body, cap *= 2);
      if (!bigger) return 1;
      body = bigger;
    }
  }

  fputs("Content-Type: application/json\n\n", stdout);
  fputs("{\"method\": ", stdout);
  json_env("REQUEST_METHOD");
  fputs(", \"path\": ", stdout);
  json_env("PATH_INFO");
  fputs(", \"query\": ", stdout);
  json_env("QUERY_STRING");
  fputs(", \"headers\": {", stdout);
  int first = 1;
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, "HTTP_", 5) != 0) continue;
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    /* HTTP_X_REQUEST_ID → x-request-id */
    char name[256];
    size_t k = 0;
    for (const char *p = *e + 5; p < eq && k < sizeof name - 1; p++)
      name[k++] = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    if (!first) fputs(", ", stdout);
    first = 0;
    json_string(name, k);
    fputs(": ", stdout);
    json_string(eq + 1, strlen(eq + 1));
  }
  fputs("}, \"body\": ", stdout);
  json_string(body, len);
  printf(", \"bodyBytes\": %zu}\n", len);
  free(body);
  return 0;
}
