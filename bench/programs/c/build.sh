#!/bin/sh
# Rebuilds every bench/programs/c/*.wasm from its .c with the same flags. Needs clang 14
# with the wasm32 target and wasm-ld (Debian: apt-get install clang-14 lld-14). The
# .wasm files are committed, so only run this after changing a program.
set -eu
cd "$(dirname "$0")"

CC="${CC:-clang-14}"
# Freestanding wasm32, no libc (each program brings what it needs), MVP features only:
# bulk-memory stays off (it is already off by default in clang 14) so that copies and
# fills compile to plain loops or to the programs' own memset/memcpy.
CFLAGS="--target=wasm32 -O2 -nostdlib -mno-bulk-memory -Wall -Wextra -Werror"
LDFLAGS="-Wl,--no-entry -Wl,--export=run"

for src in sha256 keccak blake2b bigint sort bytecode-vm lz graph hashmap matmul; do
  echo "$CC $CFLAGS $LDFLAGS -o $src.wasm $src.c"
  $CC $CFLAGS $LDFLAGS -o "$src.wasm" "$src.c"
  chmod 644 "$src.wasm"
done
