//! Line numbers for CSV records as an editor shows them, whatever the line endings (`\n`,
//! `\r\n`, old Mac `\r`) and however many blank lines (the csv crate's own count is wrong for
//! CRLF and CR files and skips blank lines), and a count of quotes to catch one never closed.

use std::io::Read;

/// Counts the double quotes passing through, so a quote never closed can be noticed at the end,
/// and refuses a line longer than [`MAX_LINE`] (a file that is not a table, which the CSV
/// parser would otherwise hold whole in memory); cheap enough for a large log.
pub struct QuoteCounter<R> {
    inner: R,
    quotes: u64,
    /// Bytes since the last line break.
    run: u64,
}

/// Longest line read: a row of a table is at most a few kilobytes, a long story a few dozen.
pub const MAX_LINE: u64 = 16 * 1024 * 1024;

impl<R: Read> QuoteCounter<R> {
    pub fn new(inner: R) -> Self {
        QuoteCounter {
            inner,
            quotes: 0,
            run: 0,
        }
    }

    /// The reader counted.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    /// Whether an odd number of `"` has passed: some quoted cell was never closed.
    pub fn unclosed_quote(&self) -> bool {
        self.quotes % 2 == 1
    }
}

impl<R: Read> Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        self.quotes += memchr::memchr_iter(b'"', chunk).count() as u64;
        self.run = match memchr::memrchr2(b'\n', b'\r', chunk) {
            Some(i) => (n - i - 1) as u64,
            None => self.run + n as u64,
        };
        if self.run > MAX_LINE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "it has a line over 16 MB long, so it is not a table",
            ));
        }
        Ok(n)
    }
}

/// Finds the line of a record from its byte offset, on demand, by reading the file again
/// from where it last stopped: line numbers cost nothing until a problem needs one.
/// Offsets must be asked for in increasing order (as rows are read).
pub struct LineFinder<R> {
    reader: std::io::BufReader<R>,
    pos: u64,
    line: u64,
    prev_cr: bool,
}

impl<R: Read> LineFinder<R> {
    pub fn new(inner: R) -> Self {
        LineFinder {
            reader: std::io::BufReader::with_capacity(64 * 1024, inner),
            pos: 0,
            line: 1,
            prev_cr: false,
        }
    }

    fn count(&mut self, byte: u8) {
        match byte {
            b'\n' if self.prev_cr => {}
            b'\n' | b'\r' => self.line += 1,
            _ => {}
        }
        self.prev_cr = byte == b'\r';
    }

    /// The 1-based line of the record the CSV parser says starts at byte `at` (which may be the
    /// `\n` of a `\r\n`, or blank lines before the record: both are stepped over).
    pub fn line_at(&mut self, at: u64) -> u64 {
        use std::io::BufRead;
        // Up to `at`: count every line break.
        while self.pos < at {
            let Ok(buf) = self.reader.fill_buf() else {
                break;
            };
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min((at - self.pos) as usize);
            let chunk = &buf[..n];
            let (mut line, mut prev_cr) = (self.line, self.prev_cr);
            let mut last = 0;
            for i in memchr::memchr2_iter(b'\n', b'\r', chunk) {
                if i > last {
                    prev_cr = false;
                }
                if !(chunk[i] == b'\n' && prev_cr) {
                    line += 1;
                }
                prev_cr = chunk[i] == b'\r';
                last = i + 1;
            }
            if last < n {
                prev_cr = false;
            }
            (self.line, self.prev_cr) = (line, prev_cr);
            self.reader.consume(n);
            self.pos += n as u64;
        }
        // From `at`: step over line ends and blank lines to the record itself.
        while let Some(&b) = self.reader.fill_buf().ok().and_then(|buf| buf.first()) {
            if b != b'\n' && b != b'\r' {
                break;
            }
            self.count(b);
            self.reader.consume(1);
            self.pos += 1;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8]) -> Vec<(String, u64)> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut finder = LineFinder::new(data);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            let at = rec.position().unwrap().byte();
            out.push((
                String::from_utf8_lossy(&rec[0]).into_owned(),
                finder.line_at(at),
            ));
        }
        out
    }

    #[test]
    fn notices_a_quote_never_closed() {
        let mut c = QuoteCounter::new(&b"a,\"b\nc,d\n"[..]);
        std::io::copy(&mut c, &mut std::io::sink()).unwrap();
        assert!(c.unclosed_quote());
        let mut ok = QuoteCounter::new(&b"a,\"b \"\"x\"\" \"\nc,d\n"[..]);
        std::io::copy(&mut ok, &mut std::io::sink()).unwrap();
        assert!(!ok.unclosed_quote());
    }

    #[test]
    fn finds_the_same_lines_as_an_editor() {
        let want: Vec<(String, u64)> = [("h", 1), ("a", 2), ("b", 3), ("c", 5)]
            .iter()
            .map(|(s, l)| (s.to_string(), *l))
            .collect();
        assert_eq!(lines(b"h,x\na,1\nb,2\n\nc,3\n"), want);
        assert_eq!(lines(b"h,x\r\na,1\r\nb,2\r\n\r\nc,3\r\n"), want);
        assert_eq!(lines(b"h,x\ra,1\rb,2\r\rc,3\r"), want);
        assert_eq!(lines(b"\n\nh,x\na,1")[1], ("a".to_string(), 4));
        assert_eq!(
            lines(b"h,x\n\"one\ntwo\",1\nb,2\n")[2],
            ("b".to_string(), 4)
        );
    }
}
