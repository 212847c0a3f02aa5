//! Text into a caller's char buffer, NUL-terminated, all or nothing: the text is measured first,
//! so a buffer too small is left untouched and the caller learns the size it needs.

use core::ffi::c_char;
use core::fmt::{self, Write};

use crate::raw;
use crate::status::ArchrankStatus;

/// Counts the bytes written to it.
struct Measure(usize);

impl Write for Measure {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.checked_add(s.len()).ok_or(fmt::Error)?;
        Ok(())
    }
}

/// Appends to a byte buffer measured to hold the text.
struct Fill<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Write for Fill<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.at.checked_add(s.len()).ok_or(fmt::Error)?;
        self.buf.get_mut(self.at..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.at = end;
        Ok(())
    }
}

/// Writes the text `text` produces into the `capacity` chars at `buf`, NUL-terminated, and its
/// length (without the NUL) to `len`. `text` is called twice (to measure, then to write) and
/// must produce the same text each time.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_BUFFER_TOO_SMALL` (then `len` holds the size
/// needed, the NUL included), `ARCHRANK_STATUS_INVALID_ARGUMENT` when the text cannot be
/// produced; `buf` is then untouched.
///
/// # Safety
/// `buf` must be writable for `capacity` chars, `len` point to a writable `size_t`.
pub(crate) unsafe fn write_text(
    buf: *mut c_char,
    capacity: usize,
    len: *mut usize,
    text: impl Fn(&mut dyn Write) -> fmt::Result,
) -> Result<(), ArchrankStatus> {
    let len = raw::output(len)?;
    // SAFETY: the caller gives `capacity` writable chars.
    let buf = unsafe { raw::slice_mut(buf.cast::<u8>(), capacity)? };
    let mut measure = Measure(0);
    text(&mut measure).map_err(|_| ArchrankStatus::InvalidArgument)?;
    let needed = measure.0;
    if needed.checked_add(1).is_none_or(|with_nul| with_nul > buf.len()) {
        // SAFETY: `len` is checked and writable.
        unsafe { raw::write(len, needed.saturating_add(1)) };
        return Err(ArchrankStatus::BufferTooSmall);
    }
    let (text_bytes, nul) =
        buf.split_at_mut_checked(needed).ok_or(ArchrankStatus::BufferTooSmall)?;
    let mut fill = Fill { buf: text_bytes, at: 0 };
    text(&mut fill).map_err(|_| ArchrankStatus::InvalidArgument)?;
    if let Some(first) = nul.first_mut() {
        *first = 0;
    }
    debug_assert_eq!(fill.at, needed, "the text changed between measuring and writing");
    // SAFETY: `len` is checked and writable.
    unsafe { raw::write(len, needed) };
    Ok(())
}
