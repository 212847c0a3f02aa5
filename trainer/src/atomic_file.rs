//! Writing files so that a reader or a crash never sees half of one: write a temporary file
//! beside the target, flush it to disk, then rename it over the target. A crash can leave the
//! temporary file behind: its name says which target and which process it was for, and the
//! next write of that target removes the ones whose process is gone, saying so.

use std::io::{self, Write};
use std::path::Path;

use crate::crash_point;

/// How every temporary file's name starts.
pub const PARTIAL_PREFIX: &str = ".archrank-partial-";

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
    let target = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    remove_stale_partials(dir, &target);
    // A recognisable name, should a crash (SIGKILL) leave the temporary file behind.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{PARTIAL_PREFIX}{target}.{}.", std::process::id()))
        .tempfile_in(dir)
        .map_err(located(format!("cannot create a temporary file in {}", dir.display())))?;
    crash_point::reached("write:created");
    // A temporary file is private (0600); the result gets the target's permissions, or 0644.
    let permissions =
        std::fs::metadata(path).map_or_else(|_| default_permissions(), |m| Some(m.permissions()));
    tmp.write_all(bytes)
        .and_then(|()| {
            crash_point::reached("write:written");
            permissions.map_or(Ok(()), |p| tmp.as_file().set_permissions(p))
        })
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(located(format!("while writing {}", path.display())))?;
    crash_point::reached("write:synced");
    tmp.persist(path).map_err(|e| {
        located(format!("cannot rename the temporary file to {}", path.display()))(e.error)
    })?;
    crash_point::reached("write:renamed");
    Ok(())
}

/// Removes the temporary files that writes of `target` in `dir` left when their process died
/// (a crash or SIGKILL between creating and renaming one), and says so. A file whose process
/// still runs, or whose process cannot be told (off Linux), is another write in progress: kept.
fn remove_stale_partials(dir: &Path, target: &str) {
    let prefix = format!("{PARTIAL_PREFIX}{target}.");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(&prefix).and_then(|rest| rest.split('.').next()) else {
            continue;
        };
        if pid.parse::<u32>().is_ok_and(process_is_gone)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            eprintln!(
                "note: removed {}, left by an interrupted write of {target}",
                entry.path().display()
            );
        }
    }
}

/// Whether no process `pid` runs (Linux: no `/proc/PID`).
#[cfg(target_os = "linux")]
fn process_is_gone(pid: u32) -> bool {
    !Path::new("/proc").join(pid.to_string()).exists()
}

/// Elsewhere a process cannot be told gone: its files are kept.
#[cfg(not(target_os = "linux"))]
fn process_is_gone(_: u32) -> bool {
    false
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

    #[test]
    fn a_dead_writers_partial_file_is_removed_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.txt");
        // No process has pid 0 in /proc; this process is alive.
        let dead = dir.path().join(".archrank-partial-out.txt.0.abc123");
        let live =
            dir.path().join(format!(".archrank-partial-out.txt.{}.def456", std::process::id()));
        let other = dir.path().join(".archrank-partial-other.txt.0.abc123");
        for p in [&dead, &live, &other] {
            std::fs::write(p, b"half").unwrap_or_else(|e| panic!("{e}"));
        }
        super::write(&path, b"whole").unwrap_or_else(|e| panic!("{e}"));
        assert!(!dead.exists() || cfg!(not(target_os = "linux")));
        assert!(live.exists() && other.exists());
    }
}
