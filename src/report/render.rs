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
    /// `logo.png` there replace the built-in ones.
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
        let read = |name: &str| -> Result<Option<(String, PathBuf)>, Problems> {
            let p = dir.join(name);
            if p.is_file() {
                Ok(Some((crate::input::read_text_file(&p)?, p)))
            } else {
                Ok(None)
            }
        };
        if let Some(h) = read("report.html")? {
            t.html = h;
        }
        if let Some(m) = read("report.md")? {
            t.markdown = m;
        }
        if let Some((css, _)) = read("style.css")? {
            t.style = css;
        }
        let png = dir.join("logo.png");
        let svg = dir.join("logo.svg");
        t.logo = if svg.is_file() {
            let bytes = std::fs::read(&svg).map_err(|e| crate::input::open_error(&svg, &e))?;
            Some(format!("data:image/svg+xml;base64,{}", base64(&bytes)))
        } else if png.is_file() {
            let bytes = std::fs::read(&png).map_err(|e| crate::input::open_error(&png, &e))?;
            Some(format!("data:image/png;base64,{}", base64(&bytes)))
        } else {
            None
        };
        Ok(t)
    }
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
