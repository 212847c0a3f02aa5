/* Semihosting by `bkpt 0xab` (ARMv7-M): r0 holds the operation, r1 its argument. Output goes to
   the host's standard output, as the Rust firmware's does: the console ":tt" opened for writing
   (QEMU writes SYS_WRITE0's text to its standard error instead). */
#include "semihosting.h"

#include <stdint.h>

enum {
  SYS_OPEN = 0x01,
  SYS_WRITE = 0x05,
  SYS_EXIT = 0x18,
  /* SYS_OPEN's mode "w": the console's output side. */
  OPEN_MODE_WRITE = 4,
  /* SYS_EXIT reasons: a normal exit, and a run-time error (what QEMU turns into exit code 1). */
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
  ADP_STOPPED_RUN_TIME_ERROR = 0x20023,
};

static int semihosting_call(int operation, const void *argument) {
  register int r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* The console's handle, opened on first use (-1: not yet, or the host refused). */
static int console = -1;

void semihosting_write(const char *text) {
  if (console < 0) {
    static const char name[] = ":tt";
    const uintptr_t open[3] = {(uintptr_t)name, OPEN_MODE_WRITE, sizeof name - 1};
    console = semihosting_call(SYS_OPEN, open);
    if (console < 0) {
      return;
    }
  }
  size_t len = 0;
  while (text[len] != '\0') {
    len++;
  }
  const uintptr_t write[3] = {(uintptr_t)console, (uintptr_t)text, len};
  (void)semihosting_call(SYS_WRITE, write);
}

void semihosting_write_decimal(size_t value) {
  char digits[24];
  char *at = &digits[sizeof digits - 1];
  *at = '\0';
  do {
    *--at = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  semihosting_write(at);
}

_Noreturn void semihosting_exit(bool ok) {
  /* On 32-bit ARM the argument is the reason itself, not a pointer to a block. */
  (void)semihosting_call(SYS_EXIT, (const void *)(uintptr_t)(ok ? ADP_STOPPED_APPLICATION_EXIT
                                                                  : ADP_STOPPED_RUN_TIME_ERROR));
  for (;;) {
    __asm__ volatile("wfi");
  }
}
