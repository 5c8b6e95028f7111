//! The inbox: every entry under a network's folders, each either a return to read or skipped
//! with a reason, so that nothing in the inbox is silently never counted.

use super::Quarantined;
use std::path::{Path, PathBuf};

/// What is under the folders: the returns to read (sorted), and everything else with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Quarantined>,
}

/// A name as people can read it: bytes that are not UTF-8 are shown as `\xNN`.
pub fn shown(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if std::str::from_utf8(bytes).is_err() {
            return bytes
                .utf8_chunks()
                .map(|c| {
                    let bad: String = c.invalid().iter().map(|b| format!("\\x{b:02X}")).collect();
                    format!("{}{bad}", c.valid())
                })
                .collect();
        }
    }
    path.display().to_string()
}

/// A file a network reads as a return: `.toml` in any case (`MEMBER.TOML` too).
fn is_return(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
}

/// Walks the folders. Decision: links are followed only to a regular file inside the folders
/// (a link out of the inbox, or to a folder, could read anything or loop for ever); folders
/// and files that cannot be read, other files and special files are each listed as skipped,
/// so `files + skipped` is every entry.
pub fn read(dirs: &[PathBuf]) -> Inbox {
    let roots: Vec<PathBuf> = dirs.iter().filter_map(|d| d.canonicalize().ok()).collect();
    let skip = inbox_skip;
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                skipped.push(skip(
                    &d,
                    &format!("the folder cannot be read ({e})"),
                    "give the network's account permission to read it",
                ));
                continue;
            }
        };
        for e in entries {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    skipped.push(skip(
                        &d,
                        &format!("an entry of the folder cannot be read ({err})"),
                        "check the folder's permissions",
                    ));
                    continue;
                }
            };
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                skipped.push(skip(&p, "cannot be read", "check its permissions"));
                continue;
            };
            let kind = meta.file_type();
            if kind.is_dir() {
                stack.push(p);
            } else if kind.is_symlink() {
                match link_target(&p, &roots) {
                    Ok(()) if is_return(&p) => files.push(p),
                    Ok(()) => skipped.push(skip(&p, "not a .toml file", "")),
                    Err(why) => skipped.push(skip(&p, why, "put the file itself in the inbox")),
                }
            } else if kind.is_file() {
                if is_return(&p) {
                    files.push(p);
                } else {
                    skipped.push(skip(&p, "not a .toml file", ""));
                }
            } else {
                skipped.push(skip(
                    &p,
                    "not a regular file (a pipe, socket or device)",
                    "remove it from the inbox",
                ));
            }
        }
    }
    files.sort();
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    Inbox { files, skipped }
}

fn inbox_skip(p: &Path, reason: &str, action: &str) -> Quarantined {
    Quarantined {
        file: p.to_path_buf(),
        reason: format!("skipped: {reason}"),
        action: action.to_string(),
    }
}

/// `Ok` when a link leads to a regular file inside one of the inbox's folders.
fn link_target(link: &Path, roots: &[PathBuf]) -> Result<(), &'static str> {
    let target = link
        .canonicalize()
        .map_err(|_| "a link to nothing (its target does not exist)")?;
    if !roots.iter().any(|r| target.starts_with(r)) {
        return Err("a link to a file outside the inbox, which is not read");
    }
    match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err("a link to a folder or special file, which is not followed"),
        Err(_) => Err("a link whose target cannot be read"),
    }
}
