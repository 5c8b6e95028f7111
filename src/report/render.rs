//! Filling the report templates (`reports/default/`, or a folder given with `--template`) with a
//! report's content. HTML is escaped as HTML and Markdown as Markdown, automatically.

use super::page::Page;
use crate::diag::{Diagnostic, Problems};
use crate::page::render;
pub use crate::page::{escape_html, escape_markdown};
use minijinja::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HTML: &str = include_str!("../../reports/default/report.html");
const MARKDOWN: &str = include_str!("../../reports/default/report.md");
const STYLE: &str = crate::page::STYLE;

/// The templates a report is made from, and where each came from (for messages).
#[derive(Debug, Clone)]
pub struct Templates {
    html: (String, PathBuf),
    markdown: (String, PathBuf),
    style: String,
    /// An image to show at the top, as a data URI.
    logo: Option<String>,
}

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Templates {
        Templates {
            html: (HTML.to_string(), PathBuf::from("<built-in report.html>")),
            markdown: (MARKDOWN.to_string(), PathBuf::from("<built-in report.md>")),
            style: STYLE.to_string(),
            logo: None,
        }
    }

    /// Templates from `dir`: any of `report.html`, `report.md`, `style.css`, and `logo.svg` or
    /// `logo.png` there replace the built-in ones. Each is read only when it is a regular file
    /// in the folder itself and within its size cap ([`template_file`]).
    pub fn from_dir(dir: &Path) -> Result<Templates, Problems> {
        if !dir.is_dir() {
            return Err(Diagnostic::error(format!(
                "template folder {} does not exist",
                dir.display()
            ))
            .in_file(dir)
            .with_help(
                "copy reports/default to a folder of your own, edit it, and pass that folder",
            )
            .into());
        }
        let mut t = Templates::builtin();
        let text = |name: &str| -> Result<Option<(String, PathBuf)>, Problems> {
            let Some((bytes, p)) = template_file(dir, name, MAX_TEMPLATE_TEXT)? else {
                return Ok(None);
            };
            let text = crate::read::input::decode_text(&bytes)
                .map_err(|m| Diagnostic::error(m).in_file(&p))?
                .into_owned();
            Ok(Some((text, p)))
        };
        if let Some(h) = text("report.html")? {
            t.html = h;
        }
        if let Some(m) = text("report.md")? {
            t.markdown = m;
        }
        if let Some((css, _)) = text("style.css")? {
            t.style = css;
        }
        t.logo = match template_file(dir, "logo.svg", MAX_LOGO)? {
            Some((bytes, _)) => Some(format!("data:image/svg+xml;base64,{}", base64(&bytes))),
            None => template_file(dir, "logo.png", MAX_LOGO)?
                .map(|(bytes, _)| format!("data:image/png;base64,{}", base64(&bytes))),
        };
        Ok(t)
    }
}

/// Largest `logo.svg` or `logo.png` read. Decision: 2 MiB. A logo is tens of kilobytes (a
/// crisp 600-pixel PNG about 100 KB); it is put into report.html as base64, a third larger,
/// so no bigger logo belongs in a page meant to be e-mailed.
pub const MAX_LOGO: u64 = 2 * 1024 * 1024;

/// Largest `report.html`, `report.md` or `style.css` read. Decision: 1 MiB, some 80 times the
/// built-in report.html (12 KB): room for any page design, not for a file that is not one.
pub const MAX_TEMPLATE_TEXT: u64 = 1024 * 1024;

/// The bytes of template file `name` in `dir`, or `None` when there is none. Decision: a
/// template folder may come from someone else, and its files go into a report that is
/// published, so it is inert: a file is read only when it is a regular file in the folder
/// itself, not a link (`logo.svg` linked to the volunteer log, `style.css` to /etc/passwd
/// would be embedded), not a device or pipe (which never end, or hang), and within `max`
/// bytes; anything else is refused with a message naming it, never skipped quietly.
pub fn template_file(
    dir: &Path,
    name: &str,
    max: u64,
) -> Result<Option<(Vec<u8>, PathBuf)>, Problems> {
    let p = dir.join(name);
    let refuse = |why: String, help: &str| -> Problems {
        Diagnostic::error(format!("template file {} {why}", p.display()))
            .in_file(&p)
            .with_help(help)
            .into()
    };
    let meta = match std::fs::symlink_metadata(&p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(crate::read::input::open_error(&p, &e).into()),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refuse(
            "is a link to another file, which a template may not bring into a report".into(),
            "copy the file itself into the template folder",
        ));
    }
    if !kind.is_file() {
        return Err(refuse(
            "is not an ordinary file (a folder, pipe or device)".into(),
            "put the file itself in the template folder, or remove what has its name",
        ));
    }
    let file =
        open_inert(&p).map_err(|e| Problems::from(crate::read::input::open_error(&p, &e)))?;
    let big = |len: u64| {
        refuse(
            format!(
                "is {len} bytes, larger than the {} KiB a template's {name} may be",
                max / 1024
            ),
            "make it smaller: a logo is usually under 200 KB, a page template under 50 KB",
        )
    };
    match file.metadata() {
        Ok(m) if m.is_file() && m.len() <= max => {}
        Ok(m) if m.is_file() => return Err(big(m.len())),
        _ => {
            return Err(refuse(
                "changed while it was read".into(),
                "run the report again",
            ))
        }
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, max + 1), &mut bytes)
        .map_err(|e| Problems::from(crate::read::input::open_error(&p, &e)))?;
    if bytes.len() as u64 > max {
        return Err(big(bytes.len() as u64));
    }
    Ok(Some((bytes, p)))
}

/// Opens a file without following a link at its last step and without waiting on a pipe, so
/// that what was checked is what is read even if the file is swapped meanwhile.
#[cfg(target_os = "linux")]
fn open_inert(p: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    Ok(std::fs::File::from(rustix::fs::open(
        p,
        flags,
        Mode::empty(),
    )?))
}

#[cfg(not(target_os = "linux"))]
fn open_inert(p: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(p)
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The HTML report, with each chart's SVG inline.
pub fn html(
    page: &Page,
    templates: &Templates,
    svgs: &BTreeMap<String, String>,
) -> Result<String, Problems> {
    let mut ctx = page.context.clone();
    ctx["charts"] = serde_json::to_value(svgs).unwrap_or_default();
    ctx["style"] = templates.style.clone().into();
    ctx["logo"] = templates.logo.clone().into();
    let mut value = Value::from_serialize(&ctx);
    // The charts and style are the program's and the template author's own markup.
    let charts: BTreeMap<&str, Value> = svgs
        .iter()
        .map(|(k, v)| (k.as_str(), Value::from_safe_string(v.clone())))
        .collect();
    // The logo is a data URI the program built: base64 needs no escaping.
    let logo = templates.logo.clone().map(Value::from_safe_string);
    // The style is the template author's own CSS, put inside <style> as written.
    let style = Value::from_safe_string(templates.style.clone());
    value = minijinja::context! { charts => charts, logo => logo, style => style, ..value };
    render("report.html", &templates.html, value)
}

/// The Markdown report (charts referenced as `charts/<name>.svg`).
pub fn markdown(
    page: &Page,
    templates: &Templates,
    svgs: &BTreeMap<String, String>,
) -> Result<String, Problems> {
    // Which charts exist, so the template links only those.
    let charts: BTreeMap<&str, bool> = svgs.keys().map(|k| (k.as_str(), true)).collect();
    let value = minijinja::context! { charts => charts, ..Value::from_serialize(&page.context) };
    render("report.md", &templates.markdown, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }
}
