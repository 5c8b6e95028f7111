//! Writing files and whole output folders so that a failure (a full disk, `kill -9`) never
//! leaves a half-written one behind: the reader finds the whole old one or the whole new one.

use crate::diag::{Diagnostic, Problems};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder `path` is in (`.` for a bare file name), where its temporary twin is made.
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over
/// `path` (atomic on the same file system).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// An output folder the program owns: the marker file it holds, and what it is called in
/// messages ("report", "network summary").
#[derive(Debug, Clone, Copy)]
pub struct Owned {
    pub marker: &'static str,
    pub what: &'static str,
}

fn io_problem(path: &Path, e: &std::io::Error) -> Problems {
    Diagnostic::error(format!("cannot write {}: {e}", path.display()))
        .in_file(path)
        .into()
}

/// Whether `dir` may receive the folder: it does not exist, is empty, or holds `owned`'s
/// marker (so was written by the same command before). Anything else is left alone.
pub fn check_replaceable(dir: &Path, owned: Owned) -> Result<(), Problems> {
    match std::fs::metadata(dir) {
        Err(_) => Ok(()),
        Ok(m) if !m.is_dir() => Err(Diagnostic::error(format!(
            "{} is a file, not a folder",
            dir.display()
        ))
        .in_file(dir)
        .with_help("give --out a folder name that does not exist yet")
        .into()),
        Ok(_) => {
            let empty = std::fs::read_dir(dir)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if empty || dir.join(owned.marker).is_file() {
                Ok(())
            } else {
                Err(Diagnostic::error(format!(
                    "{} already exists and does not hold an earlier {}, so it is left alone",
                    dir.display(),
                    owned.what
                ))
                .in_file(dir)
                .with_help(format!(
                    "give --out a new folder (the {} replaces only a folder it wrote before)",
                    owned.what
                ))
                .into())
            }
        }
    }
}

/// Writes a whole folder at `dir`: `fill` writes every file into a temporary folder beside it,
/// which then takes `dir`'s place in one step (on Linux the two are exchanged atomically; a
/// reader, or a crash, sees the old folder or the new, never a mixture) and the old is removed.
/// Refuses a `dir` that [`check_replaceable`] refuses.
pub fn replace_folder(
    dir: &Path,
    owned: Owned,
    fill: impl FnOnce(&Path) -> Result<(), Problems>,
) -> Result<(), Problems> {
    check_replaceable(dir, owned)?;
    let parent = parent_dir(dir);
    let leaf = dir
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    std::fs::create_dir_all(&parent).map_err(|e| io_problem(&parent, &e))?;
    let tmp = parent.join(format!(".{leaf}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), Problems> {
        std::fs::create_dir_all(&tmp).map_err(|e| io_problem(&tmp, &e))?;
        std::fs::write(
            tmp.join(owned.marker),
            format!(
                "written by social-value; a later {} may replace this folder\n",
                owned.what
            ),
        )
        .map_err(|e| io_problem(&tmp, &e))?;
        fill(&tmp)?;
        swap_in(&tmp, dir).map_err(|e| io_problem(dir, &e))
    })();
    // After a swap the temporary name holds the old folder; after a failure, the partial one.
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// Puts the folder `new` at `dir`, leaving whatever `dir` held at `new`'s name.
fn swap_in(new: &Path, dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(new, dir);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, new, CWD, dir, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    // Elsewhere (or a file system without exchange): the old folder steps aside, the new one
    // takes its place, and the old is put back if that fails.
    let aside = PathBuf::from(format!("{}.old", new.display()));
    std::fs::rename(dir, &aside)?;
    if let Err(e) = std::fs::rename(new, dir) {
        let _ = std::fs::rename(&aside, dir);
        return Err(e);
    }
    std::fs::rename(&aside, new)
}

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

    fn owned() -> super::Owned {
        super::Owned {
            marker: ".test-marker",
            what: "test output",
        }
    }

    #[test]
    fn a_folder_is_replaced_whole_and_a_failure_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let fill = |text: &'static str| {
            move |tmp: &std::path::Path| {
                std::fs::write(tmp.join("a.txt"), text).unwrap();
                Ok(())
            }
        };
        super::replace_folder(&out, owned(), fill("one")).unwrap();
        super::replace_folder(&out, owned(), fill("two")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "two");
        // A failure half way leaves the previous folder as it was, and no temporary behind.
        let failed = super::replace_folder(&out, owned(), |tmp| {
            std::fs::write(tmp.join("a.txt"), "half").unwrap();
            Err(crate::diag::Diagnostic::error("disk full").into())
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A folder it did not write is refused, untouched.
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("mine.txt"), "keep").unwrap();
        let e = super::replace_folder(&other, owned(), fill("x")).unwrap_err();
        assert!(
            e.to_string()
                .contains("does not hold an earlier test output"),
            "{e}"
        );
        assert_eq!(
            std::fs::read_to_string(other.join("mine.txt")).unwrap(),
            "keep"
        );
    }
}
