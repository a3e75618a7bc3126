#!/usr/bin/env bash
# Builds every samples/wasi/*.c into samples/wasi/*.wasm (wasm32-wasi preview 1 commands).
# Usage: bash samples/wasi/build.sh   (from any directory; npm run samples:build)
# Needs clang with the wasm32 target, wasm-ld and wasi-libc. On Debian/Ubuntu:
#   sudo apt-get install clang lld wasi-libc libclang-rt-dev-wasm32
# The .wasm files are committed, so the app itself never needs a compiler.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CC="${CC:-clang}"
SYSROOT="${WASI_SYSROOT:-/usr}"

# -O2: optimise. -Wl,--strip-debug: drop DWARF but keep the "name" section, so traps and
# profiles show function names (costs ~1 KB per module; use -Wl,--strip-all to drop it too).
CFLAGS=(--target=wasm32-wasi "--sysroot=$SYSROOT" -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra)
LDFLAGS=(-Wl,--strip-debug)
LIBS=(-lm)

missing() {
  echo "error: $1" >&2
  echo "To build the WASI samples you need clang (wasm32 target), lld (wasm-ld), wasi-libc and the" >&2
  echo "wasm32 compiler-rt builtins. On Debian/Ubuntu:" >&2
  echo "  sudo apt-get install clang lld wasi-libc libclang-rt-dev-wasm32" >&2
  echo "Elsewhere, install the WASI SDK and run: CC=/opt/wasi-sdk/bin/clang WASI_SYSROOT=/opt/wasi-sdk/share/wasi-sysroot bash $0" >&2
  exit 1
}

command -v "$CC" >/dev/null 2>&1 || missing "'$CC' not found."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\nint main(void) { puts("probe"); return 0; }\n' >"$tmp/probe.c"
if ! "$CC" "${CFLAGS[@]}" -c "$tmp/probe.c" -o "$tmp/probe.o" 2>"$tmp/err"; then
  cat "$tmp/err" >&2
  missing "'$CC' cannot compile for wasm32-wasi with sysroot $SYSROOT (wasi-libc headers missing?)."
fi
if ! "$CC" "${CFLAGS[@]}" "$tmp/probe.o" -o "$tmp/probe.wasm" "${LDFLAGS[@]}" 2>"$tmp/err"; then
  cat "$tmp/err" >&2
  missing "'$CC' cannot link for wasm32-wasi (wasm-ld from lld, wasi-libc's libc.a or libclang_rt.builtins-wasm32.a missing?)."
fi

shopt -s nullglob
sources=("$here"/*.c)
if [ ${#sources[@]} -eq 0 ]; then
  echo "error: no .c files in $here" >&2
  exit 1
fi
for src in "${sources[@]}"; do
  name="$(basename "$src" .c)"
  out="$here/$name.wasm"
  "$CC" "${CFLAGS[@]}" "$src" -o "$tmp/$name.wasm" "${LDFLAGS[@]}" "${LIBS[@]}"
  mv "$tmp/$name.wasm" "$out"
  chmod 644 "$out"
  printf '%-20s %7d bytes\n' "$name.wasm" "$(wc -c <"$out")"
done
echo "built ${#sources[@]} modules with: $CC ${CFLAGS[*]} X.c -o X.wasm ${LDFLAGS[*]} ${LIBS[*]}"
