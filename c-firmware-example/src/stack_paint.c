#include "stack_paint.h"

#include <stdint.h>

#define PAINT 0xDEADBEEFu

/* End of the statics and top of the stack (link.x). */
extern uint32_t _ebss, _stack_top;

void stack_paint(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  /* Keep clear of this function's own frame. */
  for (volatile uint32_t *at = &_ebss; at + 16 < sp; at++) {
    *at = PAINT;
  }
}

size_t stack_high_water_bytes(void) {
  const volatile uint32_t *at = &_ebss;
  while (at < &_stack_top && *at == PAINT) {
    at++;
  }
  return (size_t)((uintptr_t)&_stack_top - (uintptr_t)at);
}

bool stack_reached_statics(void) {
  return stack_high_water_bytes() >= (size_t)((uintptr_t)&_stack_top - (uintptr_t)&_ebss);
}
