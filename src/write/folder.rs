//! Output folders (a report, a network summary): built beside their place, swapped in whole,
//! replaced only when they hold nothing but the files they list as their own, and put right
//! after a run stopped part-way.
//!
//! Decision: a folder holding anything its marker does not list (notes, a photos/ folder) is
//! refused, naming what is extra and saying what to do; its files are never deleted, nor moved
//! anywhere silently. The marker file lists every file and folder the output wrote (its
//! manifest); a marker from before manifests is read as owning the names `legacy` gives.
//!
//! A swap uses two fixed names beside the folder, `.<name>.social-value-new` (the new folder
//! being built) and `.<name>.social-value-old` (the old one set aside, where the file system
//! cannot exchange the two in one step), so a later run finds what a stopped one left: the old
//! folder with nothing at the output's place is put back; anything else of ours is removed. Runs
//! writing beside the same folder take turns (a lock on the parent folder, on Linux).

use crate::diag::{Diagnostic, Problems};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// An output folder the program owns: the marker file it holds, what it is called in messages
/// ("report", "network summary"), and the names an earlier version's marker (with no list of
/// files) owns: `report.html`, `tables/` (the folder), `tables/*.csv`.
#[derive(Debug, Clone, Copy)]
pub struct Owned {
    pub marker: &'static str,
    pub what: &'static str,
    pub legacy: &'static [&'static str],
}

/// How every marker written with a manifest begins.
const HEAD: &str = "# written by social-value";

/// Most bytes of a marker read: a manifest lists a few dozen names.
const MAX_MARKER: u64 = 1024 * 1024;

/// Most extra names listed in a refusal (the rest are counted).
const NAMED: usize = 10;

fn problem(path: &Path, message: String) -> Diagnostic {
    Diagnostic::error(message).in_file(path)
}

fn io_problem(path: &Path, e: &std::io::Error) -> Problems {
    problem(path, format!("cannot write {}: {e}", path.display())).into()
}

/// The places a swap uses beside `dir`.
struct Beside {
    parent: PathBuf,
    leaf: String,
    new: PathBuf,
    old: PathBuf,
}

/// `dir` itself, or, when it does not end in a name (`.`, `..`), the folder it names, so that
/// it can be checked and swapped like any other.
fn named(dir: &Path) -> PathBuf {
    match dir.file_name() {
        Some(_) => dir.to_path_buf(),
        None => std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
    }
}

fn beside(dir: &Path) -> Result<Beside, Problems> {
    let leaf = match dir.file_name() {
        Some(n) => n.to_string_lossy().into_owned(),
        None => {
            return Err(
                problem(dir, format!("{} does not name a folder", dir.display()))
                    .with_help("give --out the name of a folder, e.g. reports/out/2024-25")
                    .into(),
            )
        }
    };
    let parent = super::parent_dir(dir);
    Ok(Beside {
        new: parent.join(format!(".{leaf}.social-value-new")),
        old: parent.join(format!(".{leaf}.social-value-old")),
        parent,
        leaf,
    })
}

/// Writes a whole folder at `dir`: `fill` writes every file into a new folder beside it, which
/// then takes `dir`'s place in one step (on Linux the two are exchanged atomically; a reader, or
/// a crash, sees the old folder or the new, never a mixture) and the old is removed. Refuses a
/// `dir` holding anything but an earlier `owned` output's own files. Returns what it put right
/// of a stopped earlier run, for the command to say.
pub fn replace_folder(
    dir: &Path,
    owned: Owned,
    fill: impl FnOnce(&Path) -> Result<(), Problems>,
) -> Result<Vec<Diagnostic>, Problems> {
    let dir = &named(dir);
    let b = beside(dir)?;
    std::fs::create_dir_all(&b.parent).map_err(|e| io_problem(&b.parent, &e))?;
    let _turn = lock(&b.parent);
    let mut notes = Vec::new();
    let result = recover(&b, dir, owned, &mut notes)
        .and_then(|()| check_replaceable(dir, owned))
        .and_then(|()| build(&b.new, owned, fill))
        .and_then(|()| {
            swap_in(&b, dir, owned, cfg!(target_os = "linux")).map_err(|e| io_problem(dir, &e))
        });
    match result {
        Ok(()) => Ok(notes),
        Err(p) => {
            // What was put right is said even when the run then stops.
            let mut all = Problems::new();
            notes.into_iter().for_each(|n| all.push(n));
            all.extend(p);
            Err(all)
        }
    }
}

/// Holds the turn of this process to write beside `parent`, until dropped.
fn lock(parent: &Path) -> Option<std::fs::File> {
    let f = std::fs::File::open(parent).ok()?;
    #[cfg(target_os = "linux")]
    rustix::fs::flock(&f, rustix::fs::FlockOperation::LockExclusive).ok()?;
    Some(f)
}

/// Makes the new folder at `new`: marked as ours before anything else, filled, then its marker
/// given the list of what it holds.
fn build(
    new: &Path,
    owned: Owned,
    fill: impl FnOnce(&Path) -> Result<(), Problems>,
) -> Result<(), Problems> {
    std::fs::create_dir(new).map_err(|e| io_problem(new, &e))?;
    let marker = new.join(owned.marker);
    let result = std::fs::write(&marker, head(owned))
        .map_err(|e| io_problem(&marker, &e))
        .and_then(|()| fill(new))
        .and_then(|()| {
            let mut text = head(owned);
            for name in manifest_of(new, owned.marker).map_err(|e| io_problem(new, &e))? {
                text.push_str(&name);
                text.push('\n');
            }
            std::fs::write(&marker, text).map_err(|e| io_problem(&marker, &e))
        });
    if result.is_err() {
        let _ = remove_ours(new, owned.marker);
    }
    result
}

fn head(owned: Owned) -> String {
    format!(
        "{HEAD}: a later {w} may replace this folder. It removes only the files and folders\n\
         # listed here: anything else found in the folder stops the {w}, and nothing is deleted.\n",
        w = owned.what
    )
}

/// Every file (`tables/lines.csv`) and folder (`tables/`) under `dir` but the marker, sorted.
fn manifest_of(dir: &Path, marker: &str) -> std::io::Result<Vec<String>> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = format!("{rel}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                out.push(format!("{name}/"));
                walk(&entry.path(), &format!("{name}/"), out)?;
            } else {
                out.push(name);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.retain(|n| n != marker);
    out.sort();
    Ok(out)
}

/// What an existing folder's marker says it owns; None when there is no marker (as a regular
/// file) or it cannot be read.
enum Manifest {
    Listed(BTreeSet<String>),
    Legacy(&'static [&'static str]),
}

impl Manifest {
    fn of(dir: &Path, owned: Owned) -> Option<Manifest> {
        let path = dir.join(owned.marker);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_MARKER {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        if !text.starts_with(HEAD) {
            return Some(Manifest::Legacy(owned.legacy));
        }
        let names = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        Some(Manifest::Listed(names))
    }

    /// Whether `name` (`tables/` for a folder) is the output's own.
    fn owns(&self, name: &str) -> bool {
        match self {
            Manifest::Listed(names) => names.contains(name),
            Manifest::Legacy(patterns) => patterns.iter().any(|p| matches(p, name)),
        }
    }
}

/// `name` against a pattern with at most one `*`, which stands for part of one name.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len()
                && name.starts_with(pre)
                && name.ends_with(post)
                && !name[pre.len()..name.len() - post.len()].contains('/')
        }
    }
}

/// Whether `dir` may receive the folder: it does not exist, is empty, or holds `owned`'s marker
/// and nothing its manifest does not list (so was written by the same command before, and
/// nothing was added since). Anything else is left alone, and the message names what is extra.
fn check_replaceable(dir: &Path, owned: Owned) -> Result<(), Problems> {
    let meta = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_problem(dir, &e)),
        Ok(m) => m,
    };
    let what = owned.what;
    if meta.file_type().is_symlink() {
        return Err(problem(
            dir,
            format!("{} is a link, so it is left alone", dir.display()),
        )
        .with_help(format!(
            "give --out the folder itself, or a new folder for the {what}"
        ))
        .into());
    }
    if !meta.is_dir() {
        return Err(
            problem(dir, format!("{} is a file, not a folder", dir.display()))
                .with_help("give --out a folder name that does not exist yet")
                .into(),
        );
    }
    let empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ok(());
    }
    let Some(manifest) = Manifest::of(dir, owned) else {
        return Err(problem(
            dir,
            format!(
                "{} already exists and does not hold an earlier {what}, so it is left alone",
                dir.display()
            ),
        )
        .with_help(format!(
            "give --out a new folder (the {what} replaces only a folder it wrote before)"
        ))
        .into());
    };
    let extra = extras(dir, &manifest, owned.marker).map_err(|e| io_problem(dir, &e))?;
    if extra.is_empty() {
        return Ok(());
    }
    let mut named = extra
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if extra.len() > NAMED {
        named.push_str(&format!(" and {} more", extra.len() - NAMED));
    }
    Err(problem(dir, format!(
        "{} holds files the earlier {what} did not write: {named}; the {what} replaces only what it wrote, so nothing was changed",
        dir.display()
    ))
    .with_help("move them out of the folder, or give --out another folder")
    .into())
}

/// Whatever in `dir` the manifest does not own, as `notes.txt` or `photos/`, sorted; folders
/// the output owns are looked into, others are named whole.
fn extras(dir: &Path, manifest: &Manifest, marker: &str) -> std::io::Result<Vec<String>> {
    fn walk(dir: &Path, rel: &str, m: &Manifest, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = format!("{rel}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                let folder = format!("{name}/");
                if m.owns(&folder) {
                    walk(&entry.path(), &folder, m, out)?;
                } else {
                    out.push(folder);
                }
            } else if !m.owns(&name) {
                out.push(name);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", manifest, &mut out)?;
    out.retain(|n| n != marker);
    out.sort();
    Ok(out)
}

/// Puts the folder built at `b.new` at `dir`. With `exchange` (Linux), the two are swapped in
/// one step and the old is removed from `b.new`; otherwise the old steps aside to `b.old`, the
/// new takes its place (the old is put back if that fails), and the old is removed. Stopped at
/// any point, [`recover`] finds the leftovers by these names.
fn swap_in(b: &Beside, dir: &Path, owned: Owned, exchange: bool) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir).is_err() {
        return std::fs::rename(&b.new, dir);
    }
    #[cfg(target_os = "linux")]
    if exchange {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, &b.new, CWD, dir, RenameFlags::EXCHANGE).is_ok() {
            let _ = remove_ours(&b.new, owned.marker);
            return Ok(());
        }
    }
    let _ = exchange;
    std::fs::rename(dir, &b.old)?;
    if let Err(e) = std::fs::rename(&b.new, dir) {
        let _ = std::fs::rename(&b.old, dir);
        return Err(e);
    }
    let _ = remove_ours(&b.old, owned.marker);
    Ok(())
}

/// Removes a folder the program made: everything in it, its marker last (so one stopped
/// part-way is still known as ours), then the folder.
fn remove_ours(folder: &Path, marker: &str) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_name() == marker {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_file(folder.join(marker)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(folder)
}

/// Puts right what a stopped run left beside `dir`, adding a note for each thing done: an old
/// folder set aside is put back when nothing is at `dir` (the swap stopped between its two
/// renames), and removed when `dir` holds our finished output (stopped after; with something
/// else at `dir`, both are left and the run stops); a new folder being built is removed (this
/// run builds its own). Leftovers named as earlier versions named them (`.<name>.tmp-<pid>` and
/// `.<name>.tmp-<pid>.old`) are handled alike. A folder at one of these names that is not ours
/// stops the run.
fn recover(
    b: &Beside,
    dir: &Path,
    owned: Owned,
    notes: &mut Vec<Diagnostic>,
) -> Result<(), Problems> {
    let (olds, news) = leftovers(b);
    let what = owned.what;
    for old in &olds {
        ensure_ours(old, dir, owned)?;
        if std::fs::symlink_metadata(dir).is_err() {
            std::fs::rename(old, dir).map_err(|e| io_problem(dir, &e))?;
            notes.push(Diagnostic::warning(format!(
                "an earlier {what} run was stopped part-way, leaving the {what} before it set aside at {}; it is put back at {}",
                old.display(),
                dir.display()
            )).in_file(dir));
        } else if Manifest::of(dir, owned).is_none() {
            // Something not ours is at `dir` now: neither is touched.
            return Err(problem(old, format!(
                "{} holds the {what} an earlier run set aside before it was stopped, and {} now holds something else, so both are left alone",
                old.display(),
                dir.display()
            ))
            .with_help(format!("move or rename one of them (to keep the earlier {what}, rename {} to {})", old.display(), dir.display()))
            .into());
        } else {
            remove_ours(old, owned.marker).map_err(|e| io_problem(old, &e))?;
            notes.push(Diagnostic::warning(format!(
                "removed {}: the {what} replaced by an earlier run that was stopped before it removed it",
                old.display()
            )).in_file(dir));
        }
    }
    for new in &news {
        ensure_ours(new, dir, owned)?;
        remove_ours(new, owned.marker).map_err(|e| io_problem(new, &e))?;
        notes.push(
            Diagnostic::warning(format!(
                "removed {}: what an earlier {what} run stopped part-way had left beside {}",
                new.display(),
                dir.display()
            ))
            .in_file(dir),
        );
    }
    Ok(())
}

/// The leftovers beside `dir` that exist: old folders set aside, then new ones being built.
fn leftovers(b: &Beside) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let exists = |p: &PathBuf| std::fs::symlink_metadata(p).is_ok();
    let mut olds: Vec<PathBuf> = [b.old.clone()].into_iter().filter(exists).collect();
    let mut news: Vec<PathBuf> = [b.new.clone()].into_iter().filter(exists).collect();
    let prefix = format!(".{}.tmp-", b.leaf);
    let Ok(entries) = std::fs::read_dir(&b.parent) else {
        return (olds, news);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let (pid, is_old) = match rest.strip_suffix(".old") {
            Some(pid) => (pid, true),
            None => (rest, false),
        };
        if !pid.is_empty() && pid.bytes().all(|c| c.is_ascii_digit()) {
            if is_old { &mut olds } else { &mut news }.push(entry.path());
        }
    }
    (olds, news)
}

/// A leftover is ours when it is a folder (not a link) holding our marker, or empty.
fn ensure_ours(folder: &Path, dir: &Path, owned: Owned) -> Result<(), Problems> {
    let is_dir = std::fs::symlink_metadata(folder).is_ok_and(|m| m.is_dir());
    let marked = std::fs::symlink_metadata(folder.join(owned.marker)).is_ok_and(|m| m.is_file());
    let empty = is_dir
        && std::fs::read_dir(folder)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
    if is_dir && (marked || empty) {
        return Ok(());
    }
    Err(problem(folder, format!(
        "{} is where a stopped {w} run would have left its work beside {}, but it was not made by social-value, so it is left alone",
        folder.display(),
        dir.display(),
        w = owned.what
    ))
    .with_help("move or rename it, then run again")
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned() -> Owned {
        Owned {
            marker: ".test-marker",
            what: "test output",
            legacy: &["a.txt", "sub/", "sub/*.csv"],
        }
    }

    fn fill(text: &'static str) -> impl FnOnce(&Path) -> Result<(), Problems> {
        move |tmp: &Path| {
            std::fs::write(tmp.join("a.txt"), text).unwrap();
            std::fs::create_dir(tmp.join("sub")).unwrap();
            Ok(())
        }
    }

    #[test]
    fn a_folder_is_replaced_whole_and_a_failure_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace_folder(&out, owned(), fill("one")).unwrap();
        replace_folder(&out, owned(), fill("two")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "two");
        let marker = std::fs::read_to_string(out.join(".test-marker")).unwrap();
        assert!(marker.ends_with("\na.txt\nsub/\n"), "{marker}");
        // A failure half way leaves the previous folder as it was, and no temporary behind.
        let failed = replace_folder(&out, owned(), |tmp| {
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
        let e = replace_folder(&other, owned(), fill("x")).unwrap_err();
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

    #[test]
    fn extra_files_are_named_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace_folder(&out, owned(), fill("one")).unwrap();
        std::fs::write(out.join("sub/x.csv"), "mine").unwrap();
        std::fs::create_dir(out.join("photos")).unwrap();
        let e = replace_folder(&out, owned(), fill("two")).unwrap_err();
        assert!(
            e.to_string().contains("did not write: photos/, sub/x.csv;"),
            "{e}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("sub/x.csv")).unwrap(),
            "mine"
        );
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "one");
        // An earlier marker without a list owns the legacy names: sub/*.csv, not photos/.
        std::fs::write(out.join(".test-marker"), "written by social-value\n").unwrap();
        let e = replace_folder(&out, owned(), fill("two")).unwrap_err();
        assert!(e.to_string().contains("did not write: photos/;"), "{e}");
        std::fs::remove_dir(out.join("photos")).unwrap();
        replace_folder(&out, owned(), fill("two")).unwrap();
        assert!(!out.join("sub/x.csv").exists());
    }

    #[test]
    fn a_swap_without_exchange_stopped_between_its_renames_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace_folder(&out, owned(), fill("one")).unwrap();
        // The path used where exchange is not available.
        let b = beside(&out).unwrap();
        build(&b.new, owned(), fill("two")).unwrap();
        swap_in(&b, &out, owned(), false).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Stopped after its first rename: nothing at `out`.
        build(&b.new, owned(), fill("three")).unwrap();
        std::fs::rename(&out, &b.old).unwrap();
        let mut notes = Vec::new();
        recover(&b, &out, owned(), &mut notes).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "two");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].to_string().contains("put back"), "{}", notes[0]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_set_aside_folder_is_kept_when_something_else_took_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace_folder(&out, owned(), fill("one")).unwrap();
        let b = beside(&out).unwrap();
        std::fs::rename(&out, &b.old).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "mine").unwrap();
        let e = replace_folder(&out, owned(), fill("two")).unwrap_err();
        assert!(e.to_string().contains("now holds something else"), "{e}");
        assert_eq!(std::fs::read_to_string(b.old.join("a.txt")).unwrap(), "one");
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn patterns_stand_for_part_of_one_name() {
        assert!(matches("tables/*.csv", "tables/lines.csv"));
        assert!(!matches("tables/*.csv", "tables/x/lines.csv"));
        assert!(!matches("tables/*.csv", "tables/lines.csv.bak"));
        assert!(matches("report.md", "report.md"));
        assert!(!matches("a*a", "a"));
    }
}
