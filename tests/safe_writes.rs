//! Writes never destroy what they did not make (issue 18): a file is written only over an
//! earlier output of its own kind, never through a pipe or device; a report folder is replaced
//! only when it holds nothing but what the report wrote; and the leftovers of a run stopped
//! part-way are put right, and said so, by the next run.

mod common;
use common::{run_env, run_in, Fixture};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// A character device like /dev/zero, made in the test's own folder; false when this user
/// may not make one (not root).
fn mknod_zero(p: &Path) -> bool {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    let dev = libc::makedev(1, 5);
    unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, dev) == 0 }
}

/// Runs the program in `dir`, failing the test (not hanging it) if it has not finished in a
/// minute: a command that opens a FIFO would wait for ever.
fn run_guarded(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("social-value {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn submit(f: &Fixture, out: &str, epoch: &str) -> common::Run {
    run_env(
        f.dir.path(),
        &["submit", "project.toml", "--out", out],
        &[("SOURCE_DATE_EPOCH", epoch)],
    )
}

#[test]
fn submit_writes_only_over_a_readable_submission() {
    let f = Fixture::new();
    // Not a submission: left alone, and the message says what to do.
    f.write("notes.toml", "my notes\n");
    submit(&f, "notes.toml", "1700000000").fails_with(&[
        "notes.toml already exists and is not a submission, so it is left alone",
        "choose another name",
        "no submission was written",
    ]);
    assert_eq!(read(&f.path("notes.toml")), "my notes\n");

    // A submission whose permissions let no one read it is not read (even by root), so not
    // known to be one: left alone.
    assert_eq!(submit(&f, "locked.toml", "1700000000").code, 0);
    let before = read(&f.path("locked.toml"));
    std::fs::set_permissions(f.path("locked.toml"), PermissionsExt::from_mode(0o000)).unwrap();
    submit(&f, "locked.toml", "1800000000").fails_with(&[
        "locked.toml already exists and cannot be read",
        "left alone",
    ]);
    std::fs::set_permissions(f.path("locked.toml"), PermissionsExt::from_mode(0o644)).unwrap();
    assert_eq!(read(&f.path("locked.toml")), before);

    // A submission another tool wrote (no comment line first) is one: replaced.
    let theirs: String = before.lines().skip(1).map(|l| format!("{l}\n")).collect();
    f.write("theirs.toml", &theirs);
    let r = submit(&f, "theirs.toml", "1800000000");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&f.path("theirs.toml")).starts_with("# social-value submission"));
    // A folder is not a file.
    std::fs::create_dir(f.path("folder.toml")).unwrap();
    submit(&f, "folder.toml", "1").fails_with(&["folder.toml is a folder, not a file"]);
}

#[test]
fn submit_never_opens_a_pipe_or_a_device() {
    let f = Fixture::new();
    mkfifo(&f.path("pipe.toml"));
    let (code, err) = run_guarded(
        f.dir.path(),
        &["submit", "project.toml", "--out", "pipe.toml"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("pipe.toml is a named pipe (FIFO), not a file"),
        "{err}"
    );
    let meta = std::fs::symlink_metadata(f.path("pipe.toml")).unwrap();
    assert!(meta.file_type().is_fifo());
    if mknod_zero(&f.path("zero")) {
        let (code, err) = run_guarded(f.dir.path(), &["submit", "project.toml", "--out", "zero"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("zero is a device, not a file"), "{err}");
        let meta = std::fs::symlink_metadata(f.path("zero")).unwrap();
        assert!(meta.file_type().is_char_device());
    } else {
        eprintln!("skipped the device case: this user cannot make a device node");
    }
}

#[test]
fn a_link_is_followed_to_a_submission_and_kept() {
    let f = Fixture::new();
    assert_eq!(submit(&f, "real.toml", "1700000000").code, 0);
    std::os::unix::fs::symlink("real.toml", f.path("link.toml")).unwrap();
    let r = submit(&f, "link.toml", "1800000000");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meta = std::fs::symlink_metadata(f.path("link.toml")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link itself is kept");
    assert!(read(&f.path("real.toml")).contains("2027-01-15"));
    // A link to something else, or to nothing, is left as it is.
    f.write("notes.txt", "mine");
    std::os::unix::fs::symlink("notes.txt", f.path("to-notes.toml")).unwrap();
    submit(&f, "to-notes.toml", "1").fails_with(&["is not a submission"]);
    assert_eq!(read(&f.path("notes.txt")), "mine");
    std::os::unix::fs::symlink("nowhere.toml", f.path("dangling.toml")).unwrap();
    submit(&f, "dangling.toml", "1")
        .fails_with(&["dangling.toml is a link to", "which does not exist"]);
    assert!(std::fs::symlink_metadata(f.path("dangling.toml")).is_ok());
}

#[test]
fn other_commands_writing_a_file_follow_the_same_rule() {
    let f = Fixture::new();
    // demo-network writes only into a new or empty folder.
    std::fs::create_dir_all(f.path("demo/batch-000")).unwrap();
    f.write("demo/batch-000/member-000001.toml", "my notes\n");
    run_in(
        f.dir.path(),
        &["demo-network", "--members", "2", "--out", "demo"],
    )
    .fails_with(&["demo already exists and is not empty"]);
    assert_eq!(
        read(&f.path("demo/batch-000/member-000001.toml")),
        "my notes\n"
    );

    // init never writes over anything, a link to nowhere included.
    let g = Fixture::new();
    std::fs::create_dir(g.path("new")).unwrap();
    std::os::unix::fs::symlink("elsewhere.toml", g.path("new/project.toml")).unwrap();
    let r = run_in(g.dir.path(), &["init", "new"]);
    r.fails_with(&["already has", "project.toml"]);
    assert!(std::fs::symlink_metadata(g.path("new/project.toml"))
        .unwrap()
        .file_type()
        .is_symlink());

    // Stamping a toolkit through a link stamps the toolkit and keeps the link.
    std::os::unix::fs::symlink("test-kit.toml", f.path("kit-link.toml")).unwrap();
    let r = run_in(
        f.dir.path(),
        &["toolkit", "check", "kit-link.toml", "--stamp"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(f.path("kit-link.toml"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(read(&f.path("test-kit.toml")).contains("fingerprint"));
}

/// Names starting with a dot in `dir`: temporary folders and leftovers.
fn hidden(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[test]
fn a_report_folder_holding_files_the_report_did_not_write_is_refused_naming_them() {
    let f = Fixture::new();
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report_md = read(&out.join("report.md"));
    f.write("out/notes.txt", "my notes");
    std::fs::create_dir(f.path("out/photos")).unwrap();
    f.write("out/photos/day.jpg", "jpeg");
    f.write("out/tables/mine.csv", "a,b\n");
    let (r, _) = f.report(&[]);
    r.fails_with(&[
        "holds files the earlier report did not write: notes.txt, photos/, tables/mine.csv",
        "move them out of the folder, or give --out another folder",
        "no report was written",
    ]);
    assert_eq!(read(&out.join("notes.txt")), "my notes");
    assert_eq!(read(&out.join("photos/day.jpg")), "jpeg");
    assert_eq!(read(&out.join("tables/mine.csv")), "a,b\n");
    assert_eq!(read(&out.join("report.md")), report_md);
    // Once they are moved, the report replaces its own folder; a report written with fewer
    // formats, then more, each time removes only what it wrote.
    for p in ["notes.txt", "tables/mine.csv"] {
        std::fs::remove_file(out.join(p)).unwrap();
    }
    std::fs::remove_dir_all(out.join("photos")).unwrap();
    let (r, _) = f.report(&["--format", "md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!out.join("report.html").exists());
    let (r, _) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("report.html").is_file());
    assert!(
        hidden(f.dir.path()).is_empty(),
        "{:?}",
        hidden(f.dir.path())
    );
}

#[test]
fn a_report_folder_from_before_the_manifest_is_still_replaced() {
    let f = Fixture::new();
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The marker as earlier versions wrote it: no list of files.
    f.write(
        "out/.social-value-report",
        "written by social-value; a later report may replace this folder\n",
    );
    let (r, _) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    f.write(
        "out/.social-value-report",
        "written by social-value; a later report may replace this folder\n",
    );
    f.write("out/notes.txt", "mine");
    let (r, _) = f.report(&[]);
    r.fails_with(&["did not write: notes.txt"]);
    assert_eq!(read(&out.join("notes.txt")), "mine");
}

#[test]
fn a_network_summary_folder_keeps_the_same_rule() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("inbox")).unwrap();
    assert_eq!(
        run_in(
            f.dir.path(),
            &["submit", "project.toml", "--out", "inbox/a.toml"]
        )
        .code,
        0
    );
    assert_eq!(f.network(&["--out", "net"]).code, 0);
    f.write("net/notes.md", "mine");
    f.network(&["--out", "net"])
        .fails_with(&["holds files the earlier network summary did not write: notes.md"]);
    assert_eq!(read(&f.path("net/notes.md")), "mine");
}

/// Writes the example report into `out`, then lays out by hand what a run stopped between its
/// two renames leaves: the earlier report set aside, a finished new one beside it, nothing at
/// `out`.
fn stopped_between_renames(f: &Fixture) -> std::path::PathBuf {
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    f.write("out/report.md", "the earlier report\n");
    let r = run_in(
        f.dir.path(),
        &["report", "project.toml", "--out", "new", "--runs", "200"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::rename(&out, f.path(".out.social-value-old")).unwrap();
    std::fs::rename(f.path("new"), f.path(".out.social-value-new")).unwrap();
    out
}

#[test]
fn a_run_stopped_between_its_renames_is_put_right_by_the_next() {
    let f = Fixture::new();
    let out = stopped_between_renames(&f);
    // The next run puts the earlier report back, then replaces it as usual, and says so.
    let (r, _) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("was stopped part-way") && r.stderr.contains("put back"),
        "{}",
        r.stderr
    );
    assert_ne!(read(&out.join("report.md")), "the earlier report\n");
    assert!(
        hidden(f.dir.path()).is_empty(),
        "{:?}",
        hidden(f.dir.path())
    );

    // Put back even when this run then refuses: the earlier report is where it was.
    let g = Fixture::new();
    let out = stopped_between_renames(&g);
    g.write(".out.social-value-old/notes.txt", "mine");
    let (r, _) = g.report(&[]);
    r.fails_with(&["put back", "did not write: notes.txt"]);
    assert_eq!(read(&out.join("report.md")), "the earlier report\n");
    assert_eq!(read(&out.join("notes.txt")), "mine");
    assert!(
        hidden(g.dir.path()).is_empty(),
        "{:?}",
        hidden(g.dir.path())
    );
}

#[test]
fn leftovers_beside_a_finished_report_are_removed_and_said_so() {
    let f = Fixture::new();
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Stopped after the swap (the earlier report still set aside) and during a build.
    for leftover in [".out.social-value-old", ".out.social-value-new"] {
        let p = f.path(leftover);
        std::fs::create_dir(&p).unwrap();
        std::fs::copy(
            out.join(".social-value-report"),
            p.join(".social-value-report"),
        )
        .unwrap();
        f.write(&format!("{leftover}/report.md"), "stale");
    }
    // Named as the earlier versions named them, with the stopped run's process id.
    std::fs::create_dir(f.path(".out.tmp-4242")).unwrap();
    f.write(
        ".out.tmp-4242/.social-value-report",
        "written by social-value\n",
    );
    let (r, _) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("removed"), "{}", r.stderr);
    assert!(
        hidden(f.dir.path()).is_empty(),
        "{:?}",
        hidden(f.dir.path())
    );

    // A folder at a leftover's name that the report did not make is in the way: refused.
    std::fs::create_dir(f.path(".out.social-value-new")).unwrap();
    f.write(".out.social-value-new/mine.txt", "mine");
    let (r, _) = f.report(&[]);
    r.fails_with(&[".out.social-value-new", "was not made by social-value"]);
    assert_eq!(read(&f.path(".out.social-value-new/mine.txt")), "mine");
}

#[test]
fn a_review_folder_keeps_the_same_rule() {
    let f = Fixture::new();
    assert_eq!(submit(&f, "s.toml", "1700000000").code, 0);
    let review = |f: &Fixture| {
        f.run_cmd(&[
            "review",
            "s.toml",
            "--toolkit",
            "test-kit.toml",
            "--out",
            "rev",
        ])
    };
    // A folder holding the user's own review.md is not written into.
    std::fs::create_dir(f.path("rev")).unwrap();
    f.write("rev/review.md", "my own review");
    review(&f).fails_with(&[
        "does not hold an earlier review",
        "no review page was written",
    ]);
    assert_eq!(read(&f.path("rev/review.md")), "my own review");
    std::fs::remove_dir_all(f.path("rev")).unwrap();
    for _ in 0..2 {
        let r = review(&f);
        assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    }
    f.write("rev/notes.txt", "mine");
    review(&f).fails_with(&["did not write: notes.txt"]);
    assert_eq!(read(&f.path("rev/notes.txt")), "mine");
}

/// `submit` never writes a return that every reader would refuse: the size and table limits
/// `review` and `network` read with are checked before anything is written (one rule for both).
#[test]
fn submit_refuses_a_return_too_large_for_any_reader_to_read() {
    let f = Fixture::new();
    f.write("test-kit.toml", common::TOOLKIT);
    f.write("project.toml", common::PROJECT);
    // Each outcome row becomes two tables ([[outcome]] and [[results.line]]): 10,500 rows make
    // more than the 20,000 a reader takes.
    let mut rows = String::from("proxy,quantity\n");
    for i in 0..10_500 {
        rows.push_str(&format!("outcome.big,{}\n", 1 + i % 7));
    }
    f.write("outcomes.csv", &rows);
    let r = f.run_cmd(&["submit", "project.toml", "--out", "return.toml"]);
    r.fails_with(&["20,000", "no submission was written"]);
    assert!(!f.path("return.toml").exists(), "nothing is written");
}
