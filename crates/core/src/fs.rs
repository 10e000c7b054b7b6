//! The one way paperbrief writes a file: atomically (a temporary file in the same directory,
//! flushed and synced, then renamed over the target), so readers see the old file or the new one,
//! never half of one. The only IO in this crate.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only the owner (mode 0600): the cache and the store.
    Private,
    /// What the user's umask allows (0644 under umask 022): reports, site pages — files people
    /// publish or share.
    Shared,
}

/// Writes `data` to `path` atomically, creating the parent directories.
pub fn atomic_write(path: &Path, data: &[u8], visibility: Visibility) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".paperbrief-tmp");
    #[cfg(unix)]
    if visibility == Visibility::Shared {
        use std::os::unix::fs::PermissionsExt;
        // The kernel applies the umask to this mode, as for any file a program creates.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    #[cfg(not(unix))]
    let _ = visibility;
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_no_temporary_files_and_replaces_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b/report.md");
        atomic_write(&target, b"one", Visibility::Private).unwrap();
        atomic_write(&target, b"two", Visibility::Shared).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.md")]);
    }

    #[cfg(unix)]
    #[test]
    fn shared_files_are_readable_by_others_private_ones_are_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        let private = dir.path().join("private");
        atomic_write(&shared, b"x", Visibility::Shared).unwrap();
        atomic_write(&private, b"x", Visibility::Private).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, a shared file gets group/other read unless the umask removes it;
        // test machines run with 022 or 002.
        assert_eq!(mode(&shared) & 0o044, 0o044, "{:o}", mode(&shared));
        assert_eq!(mode(&private), 0o600);
    }
}
