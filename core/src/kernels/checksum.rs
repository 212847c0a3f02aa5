//! The integrity trailer of every file the product writes (ranker, model, samples): the CRC-32
//! of the payload (IEEE 802.3, reflected: the zlib, gzip and PNG checksum), four bytes
//! little-endian after it. A loader verifies it before decoding anything past the magic and
//! version, so a flipped bit in flash or a truncated download is refused, not run. Computed a
//! nibble at a time from a 64-byte table: no allocator, little flash, one pass.

/// Bytes of the trailer.
pub const TRAILER_BYTES: usize = 4;

/// The reflected IEEE polynomial.
const POLY: u32 = 0xEDB8_8320;

/// CRC-32 of every nibble value.
const NIBBLES: [u32; 16] = {
    let mut table = [0u32; 16];
    let mut n = 0;
    while n < 16 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 == 1 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// The CRC-32 of `bytes`.
#[must_use]
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        c = NIBBLES[(c & 0xf) as usize] ^ (c >> 4);
        c = NIBBLES[(c & 0xf) as usize] ^ (c >> 4);
    }
    !c
}

/// The payload of `file` when its trailer is the payload's CRC-32; `None` when it is not (or the
/// file is shorter than a trailer).
#[must_use]
pub fn verified_payload(file: &[u8]) -> Option<&[u8]> {
    let split = file.len().checked_sub(TRAILER_BYTES)?;
    let (payload, trailer) = file.split_at(split);
    // Under the fuzzer (cargo fuzz sets `cfg(fuzzing)`) the trailer is stripped but not checked:
    // random mutations would almost never match it, and must reach the decoder's checks behind it.
    if cfg!(fuzzing) {
        return Some(payload);
    }
    let stored = u32::from_le_bytes(trailer.try_into().ok()?);
    (crc32(payload) == stored).then_some(payload)
}

/// Appends the trailer of `file[..payload_len]` after it, in place; the file's whole length, or
/// `None` when `file` has no room for the trailer.
#[must_use]
pub fn seal_in_place(file: &mut [u8], payload_len: usize) -> Option<usize> {
    let end = payload_len.checked_add(TRAILER_BYTES)?;
    let crc = crc32(file.get(..payload_len)?);
    file.get_mut(payload_len..end)?.copy_from_slice(&crc.to_le_bytes());
    Some(end)
}

/// `payload` with its trailer appended.
#[cfg(feature = "alloc")]
#[must_use]
pub fn sealed(mut payload: alloc::vec::Vec<u8>) -> alloc::vec::Vec<u8> {
    let crc = crc32(&payload);
    payload.extend_from_slice(&crc.to_le_bytes());
    payload
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    #[test]
    fn a_sealed_payload_verifies_and_any_flipped_bit_does_not() {
        let mut file = [0u8; 20];
        file[..16].copy_from_slice(b"sixteen bytes!!!");
        assert_eq!(seal_in_place(&mut file, 16), Some(20));
        assert_eq!(verified_payload(&file), Some(&b"sixteen bytes!!!"[..]));
        for bit in 0..file.len() * 8 {
            let mut bad = file;
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(verified_payload(&bad), None, "bit {bit}");
        }
        assert_eq!(verified_payload(&file[..3]), None);
        assert_eq!(seal_in_place(&mut file, 17), None);
    }
}
