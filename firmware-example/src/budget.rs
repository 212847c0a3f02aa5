//! The device's budget for the model it chooses, derived from its own memory: the linker script
//! (`layouts/*.x`, linked as memory.x) reserves a share of the flash for the model's parameters
//! and of the RAM for its activations; the default build trains its choice in its arena.

use core::ptr::addr_of;

use archrank_core::Budget;

unsafe extern "C" {
    /// Flash bytes for the model's parameters (an absolute symbol: its address is the value).
    static _model_flash_bytes: u8;
    /// RAM bytes for the model's activations.
    static _model_ram_bytes: u8;
}

/// The default build trains its choice in its arena.
#[cfg(not(any(feature = "paper", feature = "small-part")))]
fn train_ram() -> Option<u32> {
    u32::try_from(crate::training::ARENA_BYTES).ok()
}

/// The other builds train nothing.
#[cfg(any(feature = "paper", feature = "small-part"))]
fn train_ram() -> Option<u32> {
    None
}

/// Bytes of one f32 parameter.
const PARAM_BYTES: usize = 4;

/// The budget the search must respect.
pub fn from_memory() -> Budget {
    // Only the symbols' addresses are taken, never their contents.
    let flash = addr_of!(_model_flash_bytes) as usize;
    let ram = addr_of!(_model_ram_bytes) as usize;
    Budget {
        max_params: u32::try_from(flash / PARAM_BYTES).ok(),
        max_macs: None,
        max_ram_bytes: u32::try_from(ram).ok(),
        max_train_ram_bytes: train_ram(),
    }
}
