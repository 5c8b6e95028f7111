//! A streaming XML tokenizer for checking spreadsheet parts before they are read: it holds a
//! 64 KiB buffer and, of each tag, its name and the first bytes of a few attributes, so a
//! part of any size (a cell of a gigabyte, a tag of a million attributes) is scanned in
//! constant memory. Only what the checks need: tags, attributes and the bytes of text.

use std::io::Read;

/// Bytes of a name or attribute value kept (longer ones are cut, their length still counted).
const KEPT: usize = 64;

/// Attributes of one tag kept; any further ones are skipped.
const MAX_ATTRS: usize = 16;

/// A tag's attribute: name and value as far as [`KEPT`] bytes, and the value's full length.
#[derive(Default, Clone)]
pub(super) struct Attr {
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub len: u64,
}

/// What a scan is told, in document order. Each call may refuse the part with a message.
pub(super) trait Visit {
    fn start(&mut self, name: &[u8], attrs: &[Attr], empty: bool) -> Result<(), String>;
    fn end(&mut self, name: &[u8]) -> Result<(), String>;
    /// Text between tags, possibly in several pieces (entities are not decoded).
    fn text(&mut self, bytes: &[u8]) -> Result<(), String>;
}

/// The value of attribute `name`, as far as it was kept.
pub(super) fn attr<'a>(attrs: &'a [Attr], name: &[u8]) -> Option<&'a [u8]> {
    attrs
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.as_slice())
}

/// The part of a name after its namespace prefix: `x:c` is `c`.
pub(super) fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

struct Bytes<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
}

impl<R: Read> Bytes<R> {
    fn fill(&mut self) -> Result<bool, String> {
        if self.pos < self.len {
            return Ok(true);
        }
        self.len = self.inner.read(&mut self.buf).map_err(|e| e.to_string())?;
        self.pos = 0;
        Ok(self.len > 0)
    }

    fn next(&mut self) -> Result<Option<u8>, String> {
        if !self.fill()? {
            return Ok(None);
        }
        self.pos += 1;
        Ok(Some(self.buf[self.pos - 1]))
    }

    /// The next byte, which must be there (a part ending inside a tag is damaged).
    fn need(&mut self) -> Result<u8, String> {
        self.next()?
            .ok_or_else(|| "it ends in the middle of a tag".to_string())
    }

    /// Skips past the first occurrence of `end`.
    fn skip_past(&mut self, end: &[u8]) -> Result<(), String> {
        let mut matched = 0;
        while matched < end.len() {
            let b = self.need()?;
            matched = if b == end[matched] {
                matched + 1
            } else {
                usize::from(b == end[0])
            };
        }
        Ok(())
    }
}

/// Scans `part` to its end, telling `visit` what it finds.
pub(super) fn scan(part: impl Read, visit: &mut impl Visit) -> Result<(), String> {
    let mut b = Bytes {
        inner: part,
        buf: vec![0; 64 * 1024],
        pos: 0,
        len: 0,
    };
    let mut attrs: Vec<Attr> = Vec::new();
    let mut name = Vec::new();
    loop {
        if !b.fill()? {
            return Ok(());
        }
        let rest = &b.buf[b.pos..b.len];
        let text = memchr::memchr(b'<', rest).unwrap_or(rest.len());
        if text > 0 {
            visit.text(&rest[..text])?;
            b.pos += text;
            continue;
        }
        b.pos += 1;
        match b.need()? {
            b'/' => {
                if read_name(&mut b, &mut name, None)? != b'>' {
                    b.skip_past(b">")?;
                }
                visit.end(&name)?;
            }
            b'?' => b.skip_past(b"?>")?,
            b'!' => markup(&mut b, visit)?,
            first => {
                let end = read_name(&mut b, &mut name, Some(first))?;
                let empty = read_attrs(&mut b, end, &mut attrs)?;
                visit.start(&name, &attrs, empty)?;
                if empty {
                    visit.end(&name)?;
                }
            }
        }
    }
}

/// A comment, a CDATA section (its text passed on) or a declaration, after `<!`.
fn markup<R: Read>(b: &mut Bytes<R>, visit: &mut impl Visit) -> Result<(), String> {
    match b.need()? {
        b'-' => b.skip_past(b"-->"),
        b'[' => {
            b.skip_past(b"CDATA[")?;
            // The section's text, byte by byte until `]]>`.
            let mut tail = 0;
            loop {
                let c = b.need()?;
                tail = match (tail, c) {
                    (2, b'>') => return Ok(()),
                    (_, b']') => (tail + 1).min(2),
                    _ => {
                        visit.text(&[c])?;
                        0
                    }
                };
            }
        }
        _ => b.skip_past(b">"),
    }
}

/// Reads a tag's name into `name` (cut to [`KEPT`] bytes); returns the byte after it.
fn read_name<R: Read>(
    b: &mut Bytes<R>,
    name: &mut Vec<u8>,
    first: Option<u8>,
) -> Result<u8, String> {
    name.clear();
    let mut c = match first {
        Some(c) => c,
        None => b.need()?,
    };
    while !(c.is_ascii_whitespace() || c == b'/' || c == b'>') {
        if name.len() < KEPT {
            name.push(c);
        }
        c = b.need()?;
    }
    Ok(c)
}

/// Reads a start tag's attributes, from the byte `c` after its name to its `>`; returns
/// whether the tag closes itself (`/>`).
fn read_attrs<R: Read>(b: &mut Bytes<R>, mut c: u8, attrs: &mut Vec<Attr>) -> Result<bool, String> {
    attrs.clear();
    loop {
        while c.is_ascii_whitespace() {
            c = b.need()?;
        }
        match c {
            b'>' => return Ok(false),
            b'/' => {
                b.skip_past(b">")?;
                return Ok(true);
            }
            _ => {}
        }
        let mut a = Attr::default();
        while !(c == b'=' || c.is_ascii_whitespace()) {
            if a.name.len() < KEPT {
                a.name.push(c);
            }
            c = b.need()?;
        }
        while c != b'"' && c != b'\'' {
            c = b.need()?;
        }
        let quote = c;
        loop {
            let v = b.need()?;
            if v == quote {
                break;
            }
            a.len += 1;
            if a.value.len() < KEPT {
                a.value.push(v);
            }
        }
        if attrs.len() < MAX_ATTRS {
            attrs.push(a);
        }
        c = b.need()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Visit for Log {
        fn start(&mut self, name: &[u8], attrs: &[Attr], empty: bool) -> Result<(), String> {
            let a: Vec<String> = attrs
                .iter()
                .map(|a| {
                    format!(
                        "{}={}({})",
                        String::from_utf8_lossy(&a.name),
                        String::from_utf8_lossy(&a.value),
                        a.len
                    )
                })
                .collect();
            self.0.push(format!(
                "<{} {}{}>",
                String::from_utf8_lossy(name),
                a.join(" "),
                if empty { "/" } else { "" }
            ));
            Ok(())
        }
        fn end(&mut self, name: &[u8]) -> Result<(), String> {
            self.0.push(format!("</{}>", String::from_utf8_lossy(name)));
            Ok(())
        }
        fn text(&mut self, bytes: &[u8]) -> Result<(), String> {
            self.0.push(String::from_utf8_lossy(bytes).into_owned());
            Ok(())
        }
    }

    #[test]
    fn tags_attributes_and_text() {
        let xml = "<?xml version=\"1.0\"?><!-- a <b> --><x:c r=\"A1\" t='s'><v>12</v></x:c><e a=\"1>2\"/><![CDATA[<p>]]>";
        let mut log = Log::default();
        scan(xml.as_bytes(), &mut log).unwrap();
        assert_eq!(
            log.0.join(""),
            "<x:c r=A1(2) t=s(1)><v >12</v></x:c><e a=1>2(3)/></e><p>"
        );
        assert_eq!(local(b"x:c"), b"c");
    }

    #[test]
    fn a_long_value_is_cut_but_counted() {
        let xml = format!("<a v=\"{}\">", "z".repeat(1000));
        let mut log = Log::default();
        scan(xml.as_bytes(), &mut log).unwrap();
        assert!(log.0[0].ends_with("(1000)>"), "{}", log.0[0]);
        assert!(scan("<a b=\"x".as_bytes(), &mut log).is_err());
    }
}
