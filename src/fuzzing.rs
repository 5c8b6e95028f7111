//! Entry points for fuzzing (`fuzz/`, `scripts/fuzz.sh`) and for the regression test over the
//! kept corpus: each takes arbitrary bytes, reads them as a file, and must never panic.

use crate::date::Date;
use crate::project::{self, Period, ReadOptions, Role, TimeAs, Volunteering};
use crate::toolkit::{self, Source, Toolkit};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A scratch folder for this process (files are rewritten on every input).
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("social-value-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fn bundled() -> &'static Toolkit {
    static KIT: OnceLock<Toolkit> = OnceLock::new();
    KIT.get_or_init(|| {
        toolkit::load_file(&Source::Bundled("uk-core")).unwrap_or_else(|p| {
            // The bundled toolkit is checked by the test suite; a failure here is a build fault.
            panic!("the bundled toolkit does not load: {p}")
        })
    })
}

fn file_with(name: &str, data: &[u8]) -> Option<PathBuf> {
    let path = scratch().join(name);
    std::fs::write(&path, data).ok().map(|()| path)
}

/// Two partnerships an outcomes file may name: `p` with an agreed split, `q` without.
fn partners() -> project::Partners<'static> {
    static LIST: OnceLock<Vec<project::Partnership>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        let members = vec!["GB-FUZZ-1".to_string(), "GB-FUZZ-2".to_string()];
        vec![
            project::Partnership {
                id: "p".into(),
                members: members.clone(),
                shares: members
                    .iter()
                    .map(|m| (m.clone(), rust_decimal::Decimal::new(5, 1)))
                    .collect(),
            },
            project::Partnership {
                id: "q".into(),
                members,
                shares: Default::default(),
            },
        ]
    });
    project::Partners::new("GB-FUZZ-1", list)
}

/// A toolkit file.
pub fn toolkit(data: &[u8]) {
    if let Some(path) = file_with("toolkit.toml", data) {
        let _ = toolkit::load_file(&Source::File(path));
    }
}

/// A project.toml, then (when it loads) everything it names, against the bundled toolkit.
pub fn project(data: &[u8]) {
    let Some(path) = file_with("project.toml", data) else {
        return;
    };
    if let Ok(p) = project::load(&path) {
        let _ = crate::value::calculate(&p, bundled());
    }
}

/// The same bytes as a volunteer log, an outcomes file, a stories file and an indicators file
/// (then analysed), strict and with `--skip-bad-rows`.
pub fn tables(data: &[u8]) {
    let Some(path) = file_with("table.csv", data) else {
        return;
    };
    tables_at(&path);
}

fn tables_at(path: &Path) {
    let period = Period {
        start: Date {
            year: 2024,
            month: 4,
            day: 1,
        },
        end: Date {
            year: 2025,
            month: 3,
            day: 31,
        },
    };
    let v = Volunteering {
        file: path.to_path_buf(),
        counted_as: TimeAs::Value,
        roles: vec![
            Role::new("befriender", "volunteering.nlw-2024"),
            Role::new("driver", "volunteering.median-hourly-pay"),
        ],
    };
    for skip_bad_rows in [false, true] {
        let options = ReadOptions {
            skip_bad_rows,
            ..ReadOptions::default()
        };
        let _ = project::read_hours(&v, &period, options);
        let _ = project::read_outcomes(path, bundled(), &partners(), options);
        let _ = project::read_stories(path, bundled(), options);
        let known: Vec<_> = bundled().indicators.iter().collect();
        if let Ok(a) = project::indicators::read_answers(path, &known, options) {
            for (id, answers) in &a.by_indicator {
                if let Some(ind) = bundled().indicator(id) {
                    let settings = crate::project::indicators::Settings {
                        months_between: Some(rust_decimal::Decimal::from(12)),
                        ..Default::default()
                    };
                    let _ = crate::value::indicators::analyse(ind, answers, 5, &settings);
                }
            }
        }
    }
}

/// The bytes as an .xlsx and as an .ods file, read as project tables and as an import sheet.
pub fn spreadsheet(data: &[u8]) {
    for name in ["sheet.xlsx", "sheet.ods"] {
        if let Some(path) = file_with(name, data) {
            tables_at(&path);
            let _ = crate::read::sheet::read(&path);
        }
    }
}

/// A submission file: read, then (when it reads) recomputed and rendered.
pub fn submission(data: &[u8]) {
    let Some(path) = file_with("submission.toml", data) else {
        return;
    };
    if let Ok(read) = crate::submission::read(&path) {
        if let Ok(v) =
            crate::submission::recompute(&read.submission, &read.positions, bundled(), &path)
        {
            let _ = crate::report::text::render(&v);
            let _ = crate::report::json::render(&v);
        }
    }
}
