//! `archrank upgrade`: a ranker, model or samples file of the previous format version (the same
//! payload, its version one lower, no checksum trailer) is rewritten byte for byte as this build
//! writes it; a current file is written unchanged; anything else is refused, nothing written.

use std::path::Path;

use crate::common::{fails, ok};

fn repo(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)).unwrap()
}

/// `current` as the previous format version wrote it: no trailer, the version byte one lower.
fn previous(current: &[u8]) -> Vec<u8> {
    let mut old = current[..current.len() - archrank_core::checksum::TRAILER_BYTES].to_vec();
    old[8] -= 1; // the format version, a one-byte varint after the 8 magic bytes
    old
}

#[test]
fn previous_versions_are_rewritten_exactly_and_others_refused() {
    let dir = tempfile::tempdir().unwrap();
    for current in [
        repo("data/default-ranker-int8.postcard"),
        repo("firmware-example/assets/paper-model.postcard"),
        repo("firmware-example/assets/samples.postcard"),
    ] {
        let old = dir.path().join("old.postcard");
        std::fs::write(&old, previous(&current)).unwrap();
        let new = dir.path().join("new.postcard");
        let said = ok(&["upgrade", old.to_str().unwrap(), "-o", new.to_str().unwrap()]);
        assert!(said.contains("rewritten as version"), "{said}");
        assert_eq!(std::fs::read(&new).unwrap(), current);
        // Upgrading a current file writes it unchanged.
        let said = ok(&["upgrade", new.to_str().unwrap(), "-o", new.to_str().unwrap()]);
        assert!(said.contains("written unchanged"), "{said}");
        assert_eq!(std::fs::read(&new).unwrap(), current);
    }
    // Two versions back, or not an archrank file: refused, nothing written.
    let mut older = previous(&repo("firmware-example/assets/paper-model.postcard"));
    older[8] -= 1;
    for (bytes, message) in [
        (older, "this build upgrades version 2 only"),
        (b"just some text".to_vec(), "not an archrank weights, model or samples file"),
    ] {
        let input = dir.path().join("in.postcard");
        std::fs::write(&input, bytes).unwrap();
        let out = dir.path().join("never.postcard");
        let err = fails(&["upgrade", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert!(err.contains(message) && err.contains("in.postcard"), "{err}");
        assert!(!out.exists());
    }
}
