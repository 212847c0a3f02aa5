//! Counts executed instructions with SysTick. Under QEMU with `-icount shift=0` every
//! instruction advances virtual time by 1 ns, and SysTick runs from the 25 MHz CPU clock of
//! mps2-an386, so one tick is 40 instructions. On real hardware the same code counts cycles
//! at 25 MHz / core clock resolution instead.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::exception;

const RELOAD: u32 = 0x00FF_FFFF;
/// Instructions per SysTick tick: 1 ns per instruction (icount shift 0) at a 25 MHz clock.
const INSTRUCTIONS_PER_TICK: u64 = 40;

static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// A running counter.
pub struct Counter {
    start: u64,
}

fn ticks() -> u64 {
    loop {
        let wraps = WRAPS.load(Ordering::Relaxed);
        let current = SYST::get_current();
        if WRAPS.load(Ordering::Relaxed) == wraps {
            return u64::from(wraps) * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current);
        }
    }
}

/// Starts SysTick, free-running, counting its wraps.
pub fn start() {
    if let Some(mut peripherals) = cortex_m::Peripherals::take() {
        let syst = &mut peripherals.SYST;
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(RELOAD);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
        // Right after a clear the counter reads 0 until its first reload.
        while SYST::get_current() == 0 {}
    }
}

impl Counter {
    /// A counter at zero (SysTick already started).
    pub fn now() -> Self {
        Self { start: ticks() }
    }

    /// Instructions executed since `start` (40-instruction resolution).
    pub fn elapsed(&self) -> u64 {
        (ticks() - self.start) * INSTRUCTIONS_PER_TICK
    }
}
