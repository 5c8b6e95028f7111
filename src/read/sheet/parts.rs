//! A first pass over a workbook's XML, before the spreadsheet reader holds any of it: each part
//! is streamed through a small buffer and the workbook refused if reading it would take far
//! more memory than its size on disk suggests (a cell of a gigabyte, shared text repeated in
//! every cell, a cell repeated across every column) or if it names a cell past the last row
//! or column a spreadsheet can have (a row number that would wrap round in the reader).

use super::xml::{attr, local, scan, Attr, Visit};
use super::{MAX_CELLS, MAX_CELL_BYTES, MAX_PART_BYTES, MAX_SHARED_TEXT, MAX_SHEET_TEXT};
use std::io::Read;

/// Rows and columns a spreadsheet can have (Excel's and LibreOffice's limits).
const MAX_ROW: u64 = 1_048_576;
const MAX_COL: u64 = 16_384;

fn mb(bytes: u64) -> u64 {
    bytes >> 20
}

fn cell_too_long() -> String {
    format!(
        "a cell holds over {} MB of text, where a spreadsheet cell holds at most 32,767 characters",
        mb(MAX_CELL_BYTES)
    )
}

/// Checks every part of an `.xlsx` or `.xlsm` the reader would take in; the message says what
/// is wrong, for the caller to put with the file's name.
pub(super) fn check_xlsx<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<(), String> {
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(std::borrow::Cow::into_owned))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let mut shared = SharedStrings::default();
    // The reader holds the shared strings' text, not their markup: the text is what is capped.
    if let Some(n) = names.iter().find(|n| n.ends_with("sharedStrings.xml")) {
        let part = zip.by_name(n).map_err(|e| e.to_string())?;
        scan(part, &mut Counted(&mut shared, 0))?;
    }
    for n in &names {
        let lower = n.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") {
            continue;
        }
        let part = zip.by_name(n).map_err(|e| e.to_string())?;
        if lower.contains("worksheets/") && lower.ends_with(".xml") {
            scan(part, &mut Cells::new(&shared.lens))?;
        } else if lower.ends_with(".xml") || lower.ends_with(".rels") {
            // Read whole by the reader (styles, the workbook, relationships).
            let size = std::io::copy(&mut part.take(MAX_PART_BYTES + 1), &mut std::io::sink())
                .map_err(|e| e.to_string())?;
            if size > MAX_PART_BYTES {
                return Err(format!(
                    "its part {n} is over {} MB once unzipped, where a workbook's own is kilobytes",
                    mb(MAX_PART_BYTES)
                ));
            }
        }
    }
    Ok(())
}

/// Checks an `.ods`'s content (every sheet is read at once).
pub(super) fn check_ods<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<(), String> {
    let Ok(part) = zip.by_name("content.xml") else {
        return Ok(()); // The reader says what is missing.
    };
    scan(part, &mut OdsCells::default())
}

/// Counts the bytes scanned, refusing a part past [`MAX_PART_BYTES`].
struct Counted<'a, V>(&'a mut V, u64);

impl<V: Visit> Visit for Counted<'_, V> {
    fn start(&mut self, name: &[u8], attrs: &[Attr], empty: bool) -> Result<(), String> {
        self.0.start(name, attrs, empty)
    }
    fn end(&mut self, name: &[u8]) -> Result<(), String> {
        self.0.end(name)
    }
    fn text(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.1 += bytes.len() as u64;
        if self.1 > MAX_SHARED_TEXT {
            return Err(format!(
                "its shared text is over {} MB",
                mb(MAX_SHARED_TEXT)
            ));
        }
        self.0.text(bytes)
    }
}

/// The length of each shared string, for a sheet's text once its cells refer to them.
#[derive(Default)]
struct SharedStrings {
    lens: Vec<u32>,
    current: Option<u64>,
}

impl Visit for SharedStrings {
    fn start(&mut self, name: &[u8], attrs: &[Attr], _: bool) -> Result<(), String> {
        match local(name) {
            b"sst" => {
                let declared = attr(attrs, b"uniqueCount").map_or(0, number);
                if declared > MAX_CELLS {
                    return Err(format!("it declares {declared} shared strings, more than the {MAX_CELLS} cells a sheet read here may have"));
                }
            }
            b"si" => self.current = Some(0),
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) -> Result<(), String> {
        if local(name) == b"si" {
            let len = self.current.take().unwrap_or(0);
            self.lens.push(len as u32);
            if self.lens.len() as u64 > MAX_CELLS {
                return Err(format!("it has more than {MAX_CELLS} shared strings"));
            }
        }
        Ok(())
    }

    fn text(&mut self, bytes: &[u8]) -> Result<(), String> {
        if let Some(len) = &mut self.current {
            *len += bytes.len() as u64;
            if *len > MAX_CELL_BYTES {
                return Err(cell_too_long());
            }
        }
        Ok(())
    }
}

/// A whole number from an attribute's digits (saturating; 0 when there are none).
fn number(digits: &[u8]) -> u64 {
    digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u64, |n, &b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
}

/// A cell reference (`B12`, `$B$12`) as (row, column), 1-based, saturating; either may be 0
/// when absent.
fn cell_ref(r: &[u8]) -> (u64, u64) {
    let r: Vec<u8> = r.iter().copied().filter(|&b| b != b'$').collect();
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let col = r[..letters].iter().fold(0u64, |n, &b| {
        n.saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
    });
    (number(&r[letters..]), col)
}

/// Refuses a reference past the last row or column a spreadsheet can have.
fn check_ref(r: &[u8], full_len: u64) -> Result<(u64, u64), String> {
    let shown = String::from_utf8_lossy(&r[..r.len().min(24)]).into_owned();
    let (row, col) = cell_ref(r);
    if row > MAX_ROW || full_len > 24 {
        return Err(format!(
            "it names cell {shown} on row {row}, past the 1,048,576 rows a spreadsheet can have"
        ));
    }
    if col > MAX_COL {
        return Err(format!(
            "it names cell {shown}, past column XFD, the 16,384th and last a spreadsheet can have"
        ));
    }
    Ok((row, col))
}

/// A worksheet's cells: references in range, each cell's text within bounds, and the sheet's
/// text (with shared strings counted for every cell that shows them) within bounds.
struct Cells<'a> {
    shared: &'a [u32],
    /// Inside a cell: whether it shows a shared string, the index read so far, its text.
    cell: Option<(bool, u64, u64)>,
    in_value: bool,
    total: u64,
}

impl<'a> Cells<'a> {
    fn new(shared: &'a [u32]) -> Self {
        Cells {
            shared,
            cell: None,
            in_value: false,
            total: 0,
        }
    }

    fn add(&mut self, bytes: u64) -> Result<(), String> {
        self.total = self.total.saturating_add(bytes);
        if self.total > MAX_SHEET_TEXT {
            return Err(format!("a sheet holds over {} MB of text once cells showing the same text are each counted", mb(MAX_SHEET_TEXT)));
        }
        Ok(())
    }
}

impl Visit for Cells<'_> {
    fn start(&mut self, name: &[u8], attrs: &[Attr], _: bool) -> Result<(), String> {
        let r = attrs.iter().find(|a| a.name == b"r" || a.name == b"ref");
        match local(name) {
            b"dimension" => {
                if let Some(a) = r {
                    let mut ends = a.value.split(|&b| b == b':');
                    let first = check_ref(ends.next().unwrap_or_default(), 0)?;
                    if let Some(last) = ends.next() {
                        let last = check_ref(last, 0)?;
                        if last.0 < first.0 || last.1 < first.1 || a.len > 48 {
                            return Err("its sheet's dimension runs backwards".into());
                        }
                    }
                }
            }
            b"row" => {
                if let Some(a) = r {
                    let row = number(&a.value);
                    if row > MAX_ROW || a.len > 12 {
                        return Err(format!(
                            "it has row {}, past the 1,048,576 rows a spreadsheet can have",
                            String::from_utf8_lossy(&a.value)
                        ));
                    }
                }
            }
            b"c" => {
                if let Some(a) = r {
                    check_ref(&a.value, a.len)?;
                }
                let shared = attr(attrs, b"t") == Some(b"s");
                self.cell = Some((shared, 0, 0));
            }
            b"v" => self.in_value = true,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) -> Result<(), String> {
        match local(name) {
            b"v" => self.in_value = false,
            b"c" => match self.cell.take() {
                Some((true, index, _)) => {
                    let len = usize::try_from(index)
                        .ok()
                        .and_then(|i| self.shared.get(i))
                        .copied()
                        .unwrap_or(0);
                    self.add(u64::from(len))?;
                }
                Some((false, _, text)) => self.add(text)?,
                None => {}
            },
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, bytes: &[u8]) -> Result<(), String> {
        let in_value = self.in_value;
        if let Some((shared, index, text)) = &mut self.cell {
            *text += bytes.len() as u64;
            if *text > MAX_CELL_BYTES {
                return Err(cell_too_long());
            }
            if *shared && in_value {
                for b in bytes.iter().filter(|b| b.is_ascii_digit()) {
                    *index = index.saturating_mul(10).saturating_add(u64::from(b - b'0'));
                }
            }
        }
        Ok(())
    }
}

/// An `.ods` sheet's cells as the reader would hold them: every cell up to a row's last
/// filled one, filled cells repeated across columns and rows, and the text they repeat.
#[derive(Default)]
struct OdsCells {
    /// Cells held before rows are repeated, and text once repeated, over all sheets.
    held: u64,
    text: u64,
    /// The current sheet: rows so far, and the span of its filled cells.
    row: u64,
    span: Option<(u64, u64, u64, u64)>,
    spanned: u64,
    /// The current row: repeats, columns so far, end of its last filled cell, first filled
    /// column, and its text once repeated across columns.
    row_repeat: u64,
    col: u64,
    filled_end: u64,
    filled_start: Option<u64>,
    row_text: u64,
    /// The current cell: its repeats, whether filled, its text.
    cell: Option<(u64, bool, u64)>,
}

impl OdsCells {
    fn end_cell(&mut self) -> Result<(), String> {
        let Some((repeat, filled, text)) = self.cell.take() else {
            return Ok(());
        };
        let start = self.col;
        self.col = self.col.saturating_add(repeat).min(MAX_COL);
        if filled {
            self.filled_start.get_or_insert(start);
            self.filled_end = self.col;
            self.row_text = self
                .row_text
                .saturating_add(text.saturating_mul(self.col - start));
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), String> {
        self.held = self.held.saturating_add(self.filled_end);
        let first = self.row;
        self.row = self.row.saturating_add(self.row_repeat).min(MAX_ROW);
        if let Some(start) = self.filled_start.take() {
            self.text = self
                .text
                .saturating_add(self.row_text.saturating_mul(self.row - first));
            let s = self
                .span
                .get_or_insert((first, self.row, start, self.filled_end));
            *s = (
                s.0.min(first),
                self.row,
                s.2.min(start),
                s.3.max(self.filled_end),
            );
        }
        if self.text > MAX_SHEET_TEXT {
            return Err(format!(
                "its sheets hold over {} MB of text once repeated cells are each counted",
                mb(MAX_SHEET_TEXT)
            ));
        }
        let spanned = self
            .span
            .map_or(0, |(r0, r1, c0, c1)| (r1 - r0).saturating_mul(c1 - c0));
        if self.held > MAX_CELLS || self.spanned.saturating_add(spanned) > MAX_CELLS {
            return Err(format!(
                "its sheets span more than the {MAX_CELLS} cells this command reads"
            ));
        }
        Ok(())
    }
}

impl Visit for OdsCells {
    fn start(&mut self, name: &[u8], attrs: &[Attr], _: bool) -> Result<(), String> {
        let repeat = |key: &[u8]| attr(attrs, key).map_or(1, number).max(1);
        match name {
            b"table:table" => {
                let s = self.span.take();
                self.spanned += s.map_or(0, |(r0, r1, c0, c1)| (r1 - r0).saturating_mul(c1 - c0));
                self.row = 0;
            }
            b"table:table-row" => {
                self.row_repeat = repeat(b"table:number-rows-repeated");
                (self.col, self.filled_end, self.filled_start, self.row_text) = (0, 0, None, 0);
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let values = attrs
                    .iter()
                    .filter(|a| a.name.starts_with(b"office:") && a.name.ends_with(b"value"));
                let text: u64 = values.clone().map(|a| a.len).sum();
                if text > MAX_CELL_BYTES {
                    return Err(cell_too_long());
                }
                let filled = values.count() > 0;
                self.cell = Some((repeat(b"table:number-columns-repeated"), filled, text));
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) -> Result<(), String> {
        match name {
            b"table:table-cell" | b"table:covered-table-cell" => self.end_cell(),
            b"table:table-row" => self.end_row(),
            _ => Ok(()),
        }
    }

    fn text(&mut self, bytes: &[u8]) -> Result<(), String> {
        if let Some((_, filled, text)) = &mut self.cell {
            *text += bytes.len() as u64;
            *filled |= bytes.iter().any(|b| !b.is_ascii_whitespace());
            if *text > MAX_CELL_BYTES {
                return Err(cell_too_long());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_past_the_last_row_or_column_are_refused() {
        assert_eq!(cell_ref(b"B12"), (12, 2));
        assert_eq!(cell_ref(b"$XFD$1048576"), (1_048_576, 16_384));
        assert!(check_ref(b"A1048576", 8).is_ok());
        let e = check_ref(b"A99999999999", 12).unwrap_err();
        assert!(
            e.contains("row 99999999999") && e.contains("1,048,576"),
            "{e}"
        );
        assert!(check_ref(b"XFE1", 4).is_err());
        assert!(check_ref(b"AAAAAAAAAAAAAAAAAAAAAAAA1", 25).is_err());
    }

    #[test]
    fn ods_repeats_are_counted() {
        let cell = |attrs: &str, text: &str| {
            format!("<table:table-cell {attrs}><text:p>{text}</text:p></table:table-cell>")
        };
        let sheet = |rows: &str| format!("<table:table>{rows}</table:table>");
        let ok = sheet(&format!(
            "<table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
            cell("", "a"),
            cell("", "b")
        ));
        assert!(scan(ok.as_bytes(), &mut OdsCells::default()).is_ok());
        let wide = sheet(&format!(
            "<table:table-row table:number-rows-repeated=\"1000\">{}</table:table-row>",
            cell("table:number-columns-repeated=\"16384\"", "x")
        ));
        let e = scan(wide.as_bytes(), &mut OdsCells::default()).unwrap_err();
        assert!(e.contains("span more than"), "{e}");
        let long = "y".repeat(1 << 16);
        let heavy = sheet(&format!(
            "<table:table-row>{}</table:table-row>",
            cell("table:number-columns-repeated=\"2000\"", &long)
        ));
        let e = scan(heavy.as_bytes(), &mut OdsCells::default()).unwrap_err();
        assert!(e.contains("MB of text"), "{e}");
    }
}
