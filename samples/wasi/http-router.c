/* http-router: a small WAGI (CGI) HTTP handler with routes, in the style of a serverless API.
 *   GET  /              what it serves (text)
 *   GET  /hello/<name>  a greeting (text)
 *   GET  /add?a=1&b=2   the sum as JSON
 *   POST /echo          the body back, with its Content-Type
 *   anything else       404 (405 with Allow for a known path and another method)
 * The route is PATH_INFO; the query string is QUERY_STRING; the body is stdin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v ? v : "";
}

/* The value of key in a query string like "a=1&b=2", copied into out; 0 if absent. */
static int query_param(const char *query, const char *key, char *out, size_t size) {
  size_t klen = strlen(key);
  for (const char *p = query; *p;) {
    const char *end = strchr(p, '&');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
      size_t vlen = len - klen - 1;
      if (vlen >= size) vlen = size - 1;
      memcpy(out, p + klen + 1, vlen);
      out[vlen] = '\0';
      return 1;
    }
    p += len;
    if (*p == '&') p++;
  }
  return 0;
}

static void text(int status, const char *reason, const char *body) {
  if (status != 200) printf("Status: %d %s\n", status, reason);
  printf("Content-Type: text/plain; charset=utf-8\n\n%s\n", body);
}

int main(void) {
  const char *method = env("REQUEST_METHOD");
  const char *path = env("PATH_INFO");
  int get = strcmp(method, "GET") == 0;

  if (strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
    if (!get) return printf("Status: 405 Method Not Allowed\nAllow: GET\n\n"), 0;
    text(200, "OK", "nanofaas router: GET /hello/<name>, GET /add?a=1&b=2, POST /echo");
  } else if (strncmp(path, "/hello/", 7) == 0) {
    if (!get) return printf("Status: 405 Method Not Allowed\nAllow: GET\n\n"), 0;
    printf("Content-Type: text/plain; charset=utf-8\n\nHello, %s!\n", path + 7);
  } else if (strcmp(path, "/add") == 0) {
    if (!get) return printf("Status: 405 Method Not Allowed\nAllow: GET\n\n"), 0;
    char a[32], b[32];
    if (!query_param(env("QUERY_STRING"), "a", a, sizeof a) ||
        !query_param(env("QUERY_STRING"), "b", b, sizeof b)) {
      text(400, "Bad Request", "add needs ?a=<number>&b=<number>");
      return 0;
    }
    printf("Content-Type: application/json\n\n{\"a\": %lld, \"b\": %lld, \"sum\": %lld}\n", atoll(a), atoll(b),
           atoll(a) + atoll(b));
  } else if (strcmp(path, "/echo") == 0) {
    if (strcmp(method, "POST") != 0) return printf("Status: 405 Method Not Allowed\nAllow: POST\n\n"), 0;
    const char *type = env("CONTENT_TYPE");
    printf("Content-Type: %s\n\n", *type ? type : "application/octet-stream");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout);
  } else {
    printf("Status: 404 Not Found\nContent-Type: text/plain; charset=utf-8\n\nNo route for %s %s\n", method, path);
  }
  return 0;
}
