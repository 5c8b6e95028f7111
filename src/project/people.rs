//! The distinct volunteers of a log: each person given an id once, however their name is spelt
//! ("Ann Lee", "ann  lee"), with names kept in one arena; names never leave the project layer.

/// Names interned in one byte arena, found through an open-addressed table of ids.
///
/// Decision: a general hash map of `Vec<u8>` keys cost an allocation and about 80 bytes a name,
/// twice over (the name as written, and as compared), and its probes compared whole names:
/// a 5,000,000-row log of 200,000 email addresses spent half its time there. Here a name costs
/// its bytes plus 12 (its end in the arena, and an 8-byte slot holding its id and the high
/// half of its hash, so most probes are settled without looking at the name), and the hash
/// mixes every byte into the bits that pick the slot, so ids like `V01234` spread well.
#[derive(Default, Clone)]
pub(super) struct Interner {
    arena: Vec<u8>,
    /// End of each name in `arena`; name `i` starts where name `i - 1` ends.
    ends: Vec<u32>,
    /// Each name's full hash, so the table can grow without hashing again.
    hashes: Vec<u64>,
    /// `(hash >> 32) << 32 | (id + 1)`; 0 is empty.
    slots: Vec<u64>,
}

impl Interner {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The name with id `id`.
    pub(super) fn name(&self, id: u32) -> &[u8] {
        let end = self.ends[id as usize] as usize;
        let start = match id {
            0 => 0,
            _ => self.ends[id as usize - 1] as usize,
        };
        &self.arena[start..end]
    }

    /// The hash this interner gives `name` (the same in every interner).
    pub(super) fn hash_of(&self, id: u32) -> u64 {
        self.hashes[id as usize]
    }

    /// The id of `name` with hash `h`, if interned.
    #[inline]
    pub(super) fn find(&self, name: &[u8], h: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = (h >> 32) as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 {
                return None;
            }
            if s >> 32 == h >> 32 {
                let id = (s as u32) - 1;
                if self.name(id) == name {
                    return Some(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `name` (hash `h`), interned if new, and whether it was.
    #[inline]
    pub(super) fn intern(&mut self, name: &[u8], h: u64) -> (u32, bool) {
        if let Some(id) = self.find(name, h) {
            return (id, false);
        }
        if 2 * (self.len() + 1) > self.slots.len() {
            self.grow();
        }
        let id = self.len() as u32;
        self.arena.extend_from_slice(name);
        self.ends
            .push(u32::try_from(self.arena.len()).unwrap_or(u32::MAX));
        self.hashes.push(h);
        self.place(h, id);
        (id, true)
    }

    fn place(&mut self, h: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = (h >> 32) as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (h >> 32) << 32 | u64::from(id + 1);
    }

    #[cold]
    fn grow(&mut self) {
        self.slots = vec![0; (self.slots.len() * 2).max(64)];
        for id in 0..self.len() as u32 {
            self.place(self.hashes[id as usize], id);
        }
    }
}

/// A hash of a name's bytes whose high bits depend on every byte: 8 bytes at a time, then a
/// finaliser (as in MurmurHash3). Not for untrusted keys in general, but a log's names can at
/// worst slow their own file's reading, which is bounded by its size.
#[inline]
pub(super) fn hash_name(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(31);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(last))
            .wrapping_mul(K)
            .rotate_left(31);
    }
    let h = (h ^ (h >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let h = (h ^ (h >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// The distinct volunteers counted: an id for each person (their name as compared), and the
/// names as written that differ from that form, each pointing at its person.
#[derive(Default, Clone)]
pub(super) struct People {
    names: Interner,
    spellings: Interner,
    /// For each spelling, its person.
    spelling_of: Vec<u32>,
    buf: Vec<u8>,
}

impl People {
    /// The id of the person named, given one if new (and whether they are).
    #[inline]
    pub(super) fn id(&mut self, name: &[u8]) -> (u32, bool) {
        let h = hash_name(name);
        if is_compared_form(name) {
            return self.names.intern(name, h);
        }
        // Names as written are looked up first; only a spelling not seen before is
        // normalised and matched against the people already counted.
        if let Some(s) = self.spellings.find(name, h) {
            return (self.spelling_of[s as usize], false);
        }
        let key = name_key(name, &mut self.buf);
        let (id, new) = self.names.intern(key, hash_name(key));
        self.spellings.intern(name, h);
        self.spelling_of.push(id);
        (id, new)
    }

    /// The id of a person already counted.
    pub(super) fn find(&mut self, name: &[u8]) -> Option<u32> {
        let h = hash_name(name);
        if is_compared_form(name) {
            return self.names.find(name, h);
        }
        if let Some(s) = self.spellings.find(name, h) {
            return Some(self.spelling_of[s as usize]);
        }
        let key = name_key(name, &mut self.buf);
        self.names.find(key, hash_name(key))
    }

    /// The hash of person `id`'s name as compared: the same for the same person in every
    /// `People`, so threads reading parts of a log can key their days by it.
    #[inline]
    pub(super) fn person_hash(&self, id: u32) -> u64 {
        self.names.hash_of(id)
    }

    pub(super) fn count(&self) -> u64 {
        self.names.len() as u64
    }

    /// Names as compared, by id.
    pub(super) fn names(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.names.len() as u32).map(|id| self.names.name(id))
    }

    /// Counts `other`'s people in too: returns, for each of `other`'s ids, the id here.
    pub(super) fn absorb(&mut self, other: &People) -> Vec<u32> {
        (0..other.names.len() as u32)
            .map(|id| {
                self.names
                    .intern(other.names.name(id), other.names.hash_of(id))
                    .0
            })
            .collect()
    }
}

/// Whether a name is already in the form names are compared in (lower case, single spaces):
/// true of nearly every name in a long log of ids or email addresses, which then need no copy.
#[inline]
fn is_compared_form(name: &[u8]) -> bool {
    if name.first() == Some(&b' ') || name.last() == Some(&b' ') {
        return false;
    }
    let mut space = false;
    for &b in name {
        if b.is_ascii_uppercase() || !b.is_ascii() || (b.is_ascii_whitespace() && b != b' ') {
            return false;
        }
        if b == b' ' {
            if space {
                return false;
            }
            space = true;
        } else {
            space = false;
        }
    }
    true
}

/// The form in which volunteers' names are compared, so that "Ann Lee", "ann lee" and
/// "Ann  Lee" count as one person: lower case, inner runs of spaces as one.
pub(super) fn name_key<'a>(name: &'a [u8], buf: &'a mut Vec<u8>) -> &'a [u8] {
    if is_compared_form(name) {
        return name;
    }
    buf.clear();
    if name.is_ascii() {
        for word in name
            .split(u8::is_ascii_whitespace)
            .filter(|w| !w.is_empty())
        {
            if !buf.is_empty() {
                buf.push(b' ');
            }
            buf.extend(word.iter().map(u8::to_ascii_lowercase));
        }
        return buf;
    }
    let text = crate::read::table::cell_text(name).to_lowercase();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            buf.push(b' ');
        }
        buf.extend_from_slice(word.as_bytes());
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_only_in_case_or_spacing_are_one_volunteer() {
        let mut buf = Vec::new();
        let a = name_key(b"ann lee", &mut buf).to_vec();
        assert_eq!(name_key(b"Ann Lee", &mut buf), a.as_slice());
        assert_eq!(name_key(b"ANN  LEE", &mut buf), a.as_slice());
        assert_eq!(name_key(b"Ann\tLee", &mut buf), a.as_slice());
        assert_ne!(name_key(b"Anne Lee", &mut buf), a.as_slice());
        assert_eq!(name_key(b"Zo\xEB", &mut buf), "zoë".as_bytes());
        assert_eq!(
            name_key(b"ann.lee@example.org", &mut buf),
            b"ann.lee@example.org"
        );
    }

    #[test]
    fn spellings_of_one_person_share_an_id() {
        let mut p = People::default();
        assert_eq!(p.id(b"Ann Lee"), (0, true));
        assert_eq!(p.id(b"ann lee"), (0, false));
        assert_eq!(p.id(b"ANN  LEE"), (0, false));
        assert_eq!(p.id(b"v00001"), (1, true));
        assert_eq!(p.id(b"V00001"), (1, false));
        assert_eq!(p.find(b"Ann\tLee"), Some(0));
        assert_eq!(p.find(b"Bob"), None);
        assert_eq!(p.count(), 2);
    }

    /// The interner gives what a plain map gives, through growth, for ids that differ only in
    /// their last characters.
    #[test]
    fn interned_ids_match_a_plain_map() {
        let mut p = People::default();
        let mut plain = std::collections::HashMap::new();
        for n in 0..50_000u32 {
            let name = format!("V{:05}", (n * 7_919) % 30_000);
            let next = plain.len() as u32;
            let want = *plain.entry(name.to_lowercase()).or_insert(next);
            assert_eq!(p.id(name.as_bytes()).0, want, "{name}");
        }
        assert_eq!(p.count(), 30_000);
        let names: Vec<&[u8]> = p.names().collect();
        assert_eq!(names[0], b"v00000");
    }

    #[test]
    fn absorbing_another_list_maps_its_ids() {
        let mut a = People::default();
        a.id(b"Ann Lee");
        a.id(b"Bob Day");
        let mut b = People::default();
        b.id(b"bob day");
        b.id(b"Cat Ng");
        assert_eq!(a.absorb(&b), vec![1, 2]);
        assert_eq!(a.count(), 3);
        assert_eq!(a.person_hash(1), b.person_hash(0));
    }
}
