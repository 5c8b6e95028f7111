//! Line numbers for CSV records as an editor shows them, whatever the line endings (`\n`,
//! `\r\n`, old Mac `\r`) and however many blank lines: the csv crate's own count is wrong for
//! CRLF and CR files and skips blank lines. Also notices a double quote that is never closed.

use std::collections::VecDeque;
use std::io::Read;

/// Wraps the bytes the CSV parser reads, noting where each line starts as they pass.
pub struct LineCounter<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Start of the line being read.
    current: u64,
    /// Completed lines not yet passed by the parser: (start offset, is empty).
    completed: VecDeque<(u64, bool)>,
    /// Lines already behind the parser.
    behind: u64,
    last_was_cr: bool,
    quotes: u64,
}

impl<R: Read> LineCounter<R> {
    pub fn new(inner: R) -> Self {
        LineCounter {
            inner,
            offset: 0,
            current: 0,
            completed: VecDeque::new(),
            behind: 0,
            last_was_cr: false,
            quotes: 0,
        }
    }

    /// The 1-based line of a record the parser says starts at byte `at`.
    ///
    /// The parser reports a record's start as the end of the previous one, which may be the `\n`
    /// of a `\r\n` or the first of some blank lines it skipped; the record itself starts on the
    /// first non-empty line from there.
    pub fn line_of(&mut self, at: u64) -> u64 {
        while let Some(&(start, empty)) = self.completed.front() {
            if start < at || empty {
                self.completed.pop_front();
                self.behind += 1;
            } else {
                break;
            }
        }
        self.behind + 1
    }

    /// Whether an odd number of `"` has passed: some quoted cell was never closed.
    pub fn unclosed_quote(&self) -> bool {
        self.quotes % 2 == 1
    }

    fn scan(&mut self, buf: &[u8]) {
        for i in memchr::memchr3_iter(b'\n', b'\r', b'"', buf) {
            let at = self.offset + i as u64;
            match buf[i] {
                b'"' => {
                    self.quotes += 1;
                    continue;
                }
                b'\n' if self.last_was_cr && at == self.current => {
                    // The `\n` of a `\r\n`: the line already ended at the `\r`.
                    self.current = at + 1;
                }
                _ => {
                    self.completed.push_back((self.current, at == self.current));
                    self.current = at + 1;
                }
            }
            self.last_was_cr = buf[i] == b'\r';
        }
        if let Some(&last) = buf.last() {
            if last != b'\r' && last != b'\n' && last != b'"' {
                self.last_was_cr = false;
            }
        }
        self.offset += buf.len() as u64;
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of each record's first cell, read through the counter in small chunks.
    fn lines(data: &[u8]) -> Vec<(String, u64)> {
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(3);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineCounter::new(Slow(data)));
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            let at = rec.position().unwrap().byte();
            let line = r.get_mut().line_of(at);
            out.push((String::from_utf8_lossy(&rec[0]).into_owned(), line));
        }
        out
    }

    fn expect(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(s, l)| (s.to_string(), *l)).collect()
    }

    #[test]
    fn counts_lf_crlf_and_cr_files_alike_including_blank_lines() {
        let want = expect(&[("h", 1), ("a", 2), ("b", 3), ("c", 5)]);
        assert_eq!(lines(b"h,x\na,1\nb,2\n\nc,3\n"), want);
        assert_eq!(lines(b"h,x\r\na,1\r\nb,2\r\n\r\nc,3\r\n"), want);
        assert_eq!(lines(b"h,x\ra,1\rb,2\r\rc,3\r"), want);
        assert_eq!(lines(b"\n\nh,x\na,1"), expect(&[("h", 3), ("a", 4)]));
    }

    #[test]
    fn multi_line_cells_push_later_rows_down() {
        assert_eq!(
            lines(b"h,x\n\"one\ntwo\",1\nb,2\n"),
            expect(&[("h", 1), ("one\ntwo", 2), ("b", 4)])
        );
        assert_eq!(
            lines(b"h,x\r\n\"one\r\ntwo\",1\r\nb,2"),
            expect(&[("h", 1), ("one\r\ntwo", 2), ("b", 4)])
        );
    }

    #[test]
    fn notices_a_quote_never_closed() {
        let mut c = LineCounter::new(&b"a,\"b\nc,d\n"[..]);
        std::io::copy(&mut c, &mut std::io::sink()).unwrap();
        assert!(c.unclosed_quote());
        let mut ok = LineCounter::new(&b"a,\"b \"\"x\"\" \"\nc,d\n"[..]);
        std::io::copy(&mut ok, &mut std::io::sink()).unwrap();
        assert!(!ok.unclosed_quote());
    }
}

/// Counts the double quotes passing through, so a quote never closed can be noticed at the end;
/// nothing else, so it costs little on a large log.
pub struct QuoteCounter<R> {
    inner: R,
    quotes: u64,
}

impl<R: Read> QuoteCounter<R> {
    pub fn new(inner: R) -> Self {
        QuoteCounter { inner, quotes: 0 }
    }

    /// Whether an odd number of `"` has passed: some quoted cell was never closed.
    pub fn unclosed_quote(&self) -> bool {
        self.quotes % 2 == 1
    }
}

impl<R: Read> Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.quotes += memchr::memchr_iter(b'"', &buf[..n]).count() as u64;
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
mod finder_tests {
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
