/* Peak stack use by painting: fill the free stack with a pattern before the work, then find the
   lowest word the work overwrote (firmware-example/src/stack_paint.rs). */
#ifndef STACK_PAINT_H
#define STACK_PAINT_H

#include <stdbool.h>
#include <stddef.h>

/* Paints every word between the statics and a little below the current stack pointer. */
void stack_paint(void);

/* Bytes of stack used since `stack_paint` (the frames live at painting included). */
size_t stack_high_water_bytes(void);

/* Whether no painted word is left: the stack may have overwritten the statics. */
bool stack_reached_statics(void);

#endif
