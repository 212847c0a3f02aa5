/* Reset and the Cortex-M4F's exception vectors: copy .data from flash, zero .bss, turn the FPU
   on (the library is built for the hard-float ABI), run main. */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _stack_top;

int main(void);

_Noreturn void reset_handler(void) {
  const uint32_t *from = &_sidata;
  for (uint32_t *to = &_sdata; to < &_edata;) {
    *to++ = *from++;
  }
  for (uint32_t *to = &_sbss; to < &_ebss;) {
    *to++ = 0;
  }
  /* CPACR: full access to coprocessors 10 and 11 (the FPU) before any float instruction. */
  volatile uint32_t *const cpacr = (volatile uint32_t *)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  semihosting_exit(main() == 0);
}

/* A fault has no recovery here: say so and make QEMU exit non-zero. */
static void fault_handler(void) {
  semihosting_write("error: the processor faulted\n");
  semihosting_exit(false);
}

/* The initial stack pointer, then the 15 system exceptions (no device interrupt is enabled). */
typedef void (*vector)(void);
__attribute__((section(".vector_table"), used)) static const vector vector_table[16] = {
    [0] = (vector)&_stack_top,
    [1] = (vector)reset_handler,
    [2] = fault_handler,  /* NMI */
    [3] = fault_handler,  /* HardFault */
    [4] = fault_handler,  /* MemManage */
    [5] = fault_handler,  /* BusFault */
    [6] = fault_handler,  /* UsageFault */
    [11] = fault_handler, /* SVCall */
    [12] = fault_handler, /* DebugMonitor */
    [14] = fault_handler, /* PendSV */
    [15] = fault_handler, /* SysTick */
};
