/*
 * The two libc routines clang may emit calls to on its own (struct copies, zeroing or
 * copying loops) when building with -nostdlib, for the programs that include this.
 * Word-at-a-time where the alignment allows, bytes otherwise. (LLVM does not turn the
 * body of a function named memset / memcpy back into a call to itself.)
 */
#ifndef FREESTANDING_H
#define FREESTANDING_H

typedef __SIZE_TYPE__ size_t;
typedef unsigned int __attribute__((may_alias)) word_t;

void *memset(void *dst, int c, size_t len) {
  unsigned char *d = (unsigned char *)dst;
  unsigned char b = (unsigned char)c;
  while (len > 0 && ((size_t)d & 3) != 0) {
    *d++ = b;
    len--;
  }
  word_t w = b * 0x01010101u;
  for (; len >= 4; len -= 4, d += 4) *(word_t *)d = w;
  while (len > 0) {
    *d++ = b;
    len--;
  }
  return dst;
}

void *memcpy(void *dst, const void *src, size_t len) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  if ((((size_t)d ^ (size_t)s) & 3) == 0) {
    while (len > 0 && ((size_t)d & 3) != 0) {
      *d++ = *s++;
      len--;
    }
    for (; len >= 4; len -= 4, d += 4, s += 4) *(word_t *)d = *(const word_t *)s;
  }
  while (len > 0) {
    *d++ = *s++;
    len--;
  }
  return dst;
}

#endif
