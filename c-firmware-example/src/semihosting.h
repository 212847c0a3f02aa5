/* Output and exit through the debugger (QEMU's semihosting): the two calls this firmware needs,
   without a C library. */
#ifndef SEMIHOSTING_H
#define SEMIHOSTING_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the NUL-terminated string `text` to the host's console (SYS_WRITE to ":tt"). */
void semihosting_write(const char *text);

/* Writes `value` in decimal. */
void semihosting_write_decimal(size_t value);

/* Ends the program: QEMU exits with 0 when `ok`, 1 otherwise (SYS_EXIT). */
_Noreturn void semihosting_exit(bool ok);

#endif
