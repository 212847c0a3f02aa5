//! Raw pointers from C, checked once: NULL, alignment and length, before anything is read or
//! written through them.

use core::ptr::NonNull;

use crate::status::ArchrankStatus;

/// `ptr` as an output pointer: not NULL and aligned for `T`. Nothing is written yet; the caller
/// writes once the call has succeeded, so a failing call leaves the output untouched.
pub(crate) fn output<T>(ptr: *mut T) -> Result<NonNull<T>, ArchrankStatus> {
    let ptr = NonNull::new(ptr).ok_or(ArchrankStatus::NullPointer)?;
    if !ptr.as_ptr().is_aligned() {
        return Err(ArchrankStatus::InvalidArgument);
    }
    Ok(ptr)
}

/// Writes `value` to an output checked by [`output`].
///
/// # Safety
/// `ptr` must be valid for writes of a `T` (C's object of that type).
pub(crate) unsafe fn write<T>(ptr: NonNull<T>, value: T) {
    // SAFETY: `output` checked NULL and alignment; the caller vouches for validity.
    unsafe { ptr.as_ptr().write(value) }
}

/// A plain input value (`const T *` in C), read by copy.
///
/// # Safety
/// `ptr` must be NULL or valid for reads of an initialized `T`.
pub(crate) unsafe fn read<T: Copy>(ptr: *const T) -> Result<T, ArchrankStatus> {
    if ptr.is_null() {
        return Err(ArchrankStatus::NullPointer);
    }
    if !ptr.is_aligned() {
        return Err(ArchrankStatus::InvalidArgument);
    }
    // SAFETY: not NULL, aligned; the caller vouches for validity and initialization.
    Ok(unsafe { ptr.read() })
}

/// `len` elements at `ptr`, borrowed for as long as the caller keeps them (`'a` is chosen by the
/// caller of this function: a handle's lifetime stands for the C caller's promise).
///
/// # Safety
/// `ptr` must be NULL or valid for reads of `len` initialized `T`s that stay unchanged for `'a`.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], ArchrankStatus> {
    if ptr.is_null() {
        return Err(ArchrankStatus::NullPointer);
    }
    if !ptr.is_aligned() || len.checked_mul(size_of::<T>()).is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(ArchrankStatus::InvalidArgument);
    }
    // SAFETY: not NULL, aligned, at most isize::MAX bytes; the caller vouches for the rest.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// `len` writable elements at `ptr`, as [`slice`].
///
/// # Safety
/// `ptr` must be NULL or valid for reads and writes of `len` `T`s, not aliased by anything else
/// Rust reads or writes for `'a`.
pub(crate) unsafe fn slice_mut<'a, T>(
    ptr: *mut T,
    len: usize,
) -> Result<&'a mut [T], ArchrankStatus> {
    if ptr.is_null() {
        return Err(ArchrankStatus::NullPointer);
    }
    if !ptr.is_aligned() || len.checked_mul(size_of::<T>()).is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(ArchrankStatus::InvalidArgument);
    }
    // SAFETY: not NULL, aligned, at most isize::MAX bytes; the caller vouches for the rest.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}
