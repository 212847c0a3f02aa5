//! Peak stack use by painting: fill the free stack with a pattern before the work, then find
//! the lowest word the work overwrote.

use core::ptr::{addr_of, read_volatile, write_volatile};
use core::sync::atomic::{AtomicBool, Ordering};

const PAINT: u32 = 0xDEAD_BEEF;

/// Whether the stack has been painted once (before, the RAM holds no pattern to read).
static PAINTED: AtomicBool = AtomicBool::new(false);
/// Whether an earlier phase's stack reached the statics (repainting would hide it).
static REACHED: AtomicBool = AtomicBool::new(false);

unsafe extern "C" {
    /// End of the statics (cortex-m-rt's heap start): the lowest address the stack may reach.
    static __sheap: u32;
    /// Top of the stack (cortex-m-rt: end of RAM).
    static _stack_start: u32;
}

fn bottom() -> usize {
    // Only the symbol's address is taken, never its value.
    addr_of!(__sheap) as usize
}

fn top() -> usize {
    addr_of!(_stack_start) as usize
}

/// Paints every word between the statics and a little below the current stack pointer (each
/// phase repaints; whether an earlier one reached the statics is kept).
pub fn paint() {
    if PAINTED.swap(true, Ordering::Relaxed) && reached_painted_end() {
        REACHED.store(true, Ordering::Relaxed);
    }
    let sp = cortex_m::register::msp::read() as usize;
    let mut addr = bottom();
    while addr + 64 < sp {
        // SAFETY: [bottom, sp - 64) is unused RAM between the statics and the live stack.
        unsafe { write_volatile(addr as *mut u32, PAINT) };
        addr += 4;
    }
}

/// Bytes of stack used since `paint` (including the frames that were live at painting).
pub fn high_water_bytes() -> usize {
    let mut addr = bottom();
    // SAFETY: reads within the painted region, which is RAM.
    while addr < top() && unsafe { read_volatile(addr as *const u32) } == PAINT {
        addr += 4;
    }
    top() - addr
}

/// Whether the stack reached the statics in any phase: no painted word was left, so the work
/// may have overwritten them (the RAM is too small for it).
pub fn reached_statics() -> bool {
    REACHED.load(Ordering::Relaxed) || reached_painted_end()
}

fn reached_painted_end() -> bool {
    high_water_bytes() >= top() - bottom()
}
