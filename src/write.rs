//! Writing files and whole output folders so that nothing the program did not make is ever
//! destroyed, and a failure (a full disk, `kill -9`) never leaves a half-written one behind: the
//! reader finds the whole old one or the whole new one, and a later run puts right what a
//! stopped one left.
//!
//! The rules, one place each: a single file is written only over an earlier output of its own
//! kind ([`write_over`]); an output folder is replaced only when it holds nothing but the files
//! it lists as its own ([`replace_folder`]), and the leftovers of a stopped swap are restored or
//! removed by the next ([`recover`]).

use crate::diag::{Diagnostic, Problems};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The folder `path` is in (`.` for a bare file name), where its temporary twin is made.
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to a new temporary file beside `path` (never through a link or a pipe left at
/// its name), flushes it to disk, then renames it over `path` (atomic on the same file system).
/// It replaces whatever is at `path`: callers writing over what may be the user's use
/// [`write_over`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
    };
    // A temporary of this name can only be left by an earlier process of the same id.
    let mut f = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(&tmp)?;
            create()?
        }
        other => other?,
    };
    let result = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The most of an existing file read to recognise it: its opening, where every kind of output
/// says what it is.
pub const RECOGNISE_BYTES: u64 = 64 * 1024;

/// Writes `bytes` at `path` only where that destroys nothing the program did not make: nothing
/// is there yet, or a regular file that can be read and that `is_ours` recognises (from its
/// first [`RECOGNISE_BYTES`]) as an earlier `what` ("submission"). A link is followed, and the
/// file it points to is checked and replaced, the link kept. A folder, pipe, device or socket
/// is refused without being opened; so is a file no one may read, even by a user who could.
pub fn write_over(
    path: &Path,
    bytes: &[u8],
    what: &str,
    is_ours: impl Fn(&[u8]) -> bool,
) -> Result<(), Problems> {
    let target = may_write_over(path, what, is_ours)?;
    write_atomic(&target, bytes).map_err(|e| io_problem(&target, &e))
}

/// Where [`write_over`] would write (`path`, or the file a link there points to), or why not.
pub fn may_write_over(
    path: &Path,
    what: &str,
    is_ours: impl Fn(&[u8]) -> bool,
) -> Result<PathBuf, Problems> {
    let refuse = |why: String| -> Problems {
        Diagnostic::error(format!("{} {why}", path.display()))
            .in_file(path)
            .with_help(format!(
                "choose another name for the {what}, or move or delete {} yourself if it is no longer needed",
                path.display()
            ))
            .into()
    };
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => {
            return Err(refuse(format!(
                "cannot be checked ({e}), so it is left alone"
            )))
        }
        Ok(m) => m,
    };
    let (target, meta) = if meta.file_type().is_symlink() {
        let to = std::fs::read_link(path).unwrap_or_default();
        match std::fs::canonicalize(path).and_then(|t| Ok((std::fs::metadata(&t)?, t))) {
            Ok((m, t)) => (t, m),
            Err(_) => {
                return Err(refuse(format!(
                    "is a link to {}, which does not exist, so it is left alone",
                    to.display()
                )))
            }
        }
    } else {
        (path.to_path_buf(), meta)
    };
    if !meta.is_file() {
        return Err(refuse(format!(
            "is {}, not a file: nothing was written to it",
            kind_of(&meta)
        )));
    }
    match read_opening(&target, &meta) {
        Err(why) => Err(refuse(format!(
            "already exists and cannot be read ({why}), so it cannot be checked and is left alone"
        ))),
        Ok(opening) if !is_ours(&opening) => Err(refuse(format!(
            "already exists and is not a {what}, so it is left alone"
        ))),
        Ok(_) => Ok(target),
    }
}

/// What a file system entry that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// The first [`RECOGNISE_BYTES`] of a regular file, if its permissions let anyone read it and
/// it can be opened (without waiting, should it have become a pipe since it was looked at).
fn read_opening(path: &Path, meta: &std::fs::Metadata) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    if meta.mode() & 0o444 == 0 {
        return Err(format!("its permissions are {:03o}", meta.mode() & 0o777));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    let file = options.open(path).map_err(|e| e.to_string())?;
    let now = file.metadata().map_err(|e| e.to_string())?;
    if !now.is_file() || now.ino() != meta.ino() || now.dev() != meta.dev() {
        return Err("it changed while it was checked".into());
    }
    let mut opening = Vec::new();
    file.take(RECOGNISE_BYTES)
        .read_to_end(&mut opening)
        .map_err(|e| e.to_string())?;
    Ok(opening)
}

/// Whether `opening` (a file's first bytes) is TOML whose first table is `[table]` and holds
/// `format_version = <integer>`, as every submission and toolkit file does. Comments, blank
/// lines and top-level keys (`story = []`) may come first; a byte-order mark is allowed.
pub fn opens_toml_table(opening: &[u8], table: &str) -> bool {
    let opening = opening.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(opening);
    let text = match std::str::from_utf8(opening) {
        Ok(t) => t,
        // Cut part-way through a character, or not text: only the whole part counts.
        Err(e) => std::str::from_utf8(&opening[..e.valid_up_to()]).unwrap_or_default(),
    };
    let mut lines = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty());
    let header = format!("[{table}]");
    if lines.find(|l| l.starts_with('[')) != Some(header.as_str()) {
        return false;
    }
    lines.take_while(|l| !l.starts_with('[')).any(|l| {
        l.split_once('=').is_some_and(|(k, v)| {
            k.trim() == "format_version"
                && !v.trim().is_empty()
                && v.trim().bytes().all(|b| b.is_ascii_digit())
        })
    })
}

fn io_problem(path: &Path, e: &std::io::Error) -> Problems {
    Diagnostic::error(format!("cannot write {}: {e}", path.display()))
        .in_file(path)
        .into()
}

mod folder;
pub use folder::{replace_folder, Owned};

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "old").unwrap();
        super::write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(super::write_atomic(&dir.path().join("missing/x"), b"x").is_err());
    }

    #[test]
    fn a_temporary_name_taken_by_a_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let tmp = dir
            .path()
            .join(format!(".a.toml.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &tmp).unwrap();
        super::write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    }

    #[test]
    fn a_toml_file_is_recognised_by_its_first_table() {
        let ours = |t: &str| super::opens_toml_table(t.as_bytes(), "submission");
        assert!(ours("[submission]\nformat_version = 4\n"));
        assert!(ours("\u{feff}# comment\n\n[submission] # x\ngenerator = \"g\"\nformat_version=1\n[period]\n"));
        assert!(!ours("[organisation]\n[submission]\nformat_version = 4\n"));
        assert!(!ours("[submission]\n[period]\nformat_version = 4\n"));
        assert!(!ours("[submission]\nformat_version = \"4\"\n"));
        assert!(ours(
            "# written by\nstory = []\n[submission]\nformat_version = 4\n"
        ));
        assert!(!ours("my notes\n"));
        assert!(!ours(""));
        assert!(!super::opens_toml_table(
            b"[submission]\nformat_version = 4\n",
            "toolkit"
        ));
    }

    #[test]
    fn only_an_earlier_output_of_the_same_kind_is_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        let sub = |b: &[u8]| super::opens_toml_table(b, "submission");
        super::write_over(&p, b"[submission]\nformat_version = 4\n", "submission", sub).unwrap();
        super::write_over(&p, b"[submission]\nformat_version = 5\n", "submission", sub).unwrap();
        assert!(std::fs::read_to_string(&p).unwrap().contains('5'));
        std::fs::write(&p, "notes").unwrap();
        let e = super::write_over(&p, b"x", "submission", sub).unwrap_err();
        assert!(e.to_string().contains("is not a submission"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "notes");
        let e = super::write_over(dir.path(), b"x", "submission", sub).unwrap_err();
        assert!(e.to_string().contains("is a folder, not a file"), "{e}");
    }
}
