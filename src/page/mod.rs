//! The shared page layer: one template engine, one stylesheet and one escaping for every HTML
//! and Markdown page the program writes (the report, the review, the network summary).

pub mod document;

use crate::diag::{Diagnostic, Problems};
use minijinja::{AutoEscape, Environment, Value};
use std::path::{Path, PathBuf};

/// The stylesheet every page uses (a report's template folder may replace it for the report).
pub const STYLE: &str = include_str!("../../reports/default/style.css");

/// Text made safe for HTML, in text and in attribute values.
pub fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Text made safe for Markdown: characters that would start markup are escaped, HTML is shown
/// as text, and line breaks (which would break a table) become spaces.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // A misspelt name is an error, not silently empty text; `{% if x %}` may still test it.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom("markdown")
        } else if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if state.auto_escape() == AutoEscape::Custom("markdown") && !value.is_safe() {
            let text = value.to_string();
            out.write_str(&escape_markdown(if value.is_none() { "" } else { &text }))?;
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env
}

fn template_error(e: &minijinja::Error, path: &Path) -> Problems {
    // Every template is the report's or a page written the same way (network, review).
    let d = Diagnostic::error(format!(
        "the report template could not be filled: {}",
        e.detail().unwrap_or(&e.kind().to_string())
    ));
    let d = match e.line() {
        Some(line) => d.at_line(path, line as u64),
        None => d.in_file(path),
    };
    d.with_help("check the template's {{ }} and {% %} tags; docs/report-templates.md lists what a template can use").into()
}

pub fn render(name: &str, source: &(String, PathBuf), context: Value) -> Result<String, Problems> {
    let mut env = environment();
    env.add_template_owned(name.to_string(), source.0.clone())
        .map_err(|e| template_error(&e, &source.1))?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| template_error(&e, &source.1))?;
    tmpl.render(context)
        .map_err(|e| template_error(&e, &source.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_defuses_markup() {
        assert_eq!(
            escape_markdown("a|b [x](javascript:y) <script>\n*"),
            "a\\|b \\[x\\](javascript:y) &lt;script&gt; \\*"
        );
    }

    #[test]
    fn html_escaping_covers_text_and_attributes() {
        assert_eq!(
            escape_html("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
