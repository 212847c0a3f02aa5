//! Writing files so that a reader or a crash never sees half of one: write a temporary file
//! beside the target, flush it to disk, then rename it over the target.

use std::io::{self, Write};
use std::path::Path;

/// Atomically replaces `path` with `bytes`.
///
/// # Errors
/// I/O errors, naming the path.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let located =
        |what: String| move |e: io::Error| io::Error::new(e.kind(), format!("{what}: {e}"));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // A recognisable name, should a crash (SIGKILL) leave the temporary file behind.
    let mut tmp = tempfile::Builder::new()
        .prefix(".archrank-partial-")
        .tempfile_in(dir)
        .map_err(located(format!("cannot create a temporary file in {}", dir.display())))?;
    // A temporary file is private (0600); the result gets the target's permissions, or 0644.
    let permissions =
        std::fs::metadata(path).map_or_else(|_| default_permissions(), |m| Some(m.permissions()));
    tmp.write_all(bytes)
        .and_then(|()| permissions.map_or(Ok(()), |p| tmp.as_file().set_permissions(p)))
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(located(format!("while writing {}", path.display())))?;
    tmp.persist(path).map_err(|e| {
        located(format!("cannot rename the temporary file to {}", path.display()))(e.error)
    })?;
    Ok(())
}

/// Permissions of a new output file: rw-r--r--, as a plain `File::create` would give.
#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

/// Elsewhere the temporary file's own permissions are already the usual ones.
#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.txt");
        super::write(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        super::write(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).map(Iterator::count).unwrap_or(0), 1);
    }
}
