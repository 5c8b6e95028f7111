//! The distinct volunteers of a log: each person given an id once, however their name is spelt
//! ("Ann Lee", "ann  lee"), with names kept in one arena; names never leave the project layer.

/// A name's hash: 96 bits from one pass over its bytes, which stand for the name (see
/// [`Interner`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct NameHash {
    /// Picks the slot; also the key of the person's days.
    pub(super) high: u64,
    check: u32,
}

/// Names interned in one byte arena, found through an open-addressed table keyed by their
/// 96-bit hash (at most 80% full: lookups of names already seen, nearly every row's, then
/// take 3 slots on average, 16 bytes each, in the one cache line asked for ahead).
///
/// Decision: a general hash map of `Vec<u8>` keys cost an allocation and about 80 bytes a name,
/// twice over (the name as written, and as compared), and each lookup compared whole names
/// held elsewhere in memory: a 5,000,000-row log of 200,000 email addresses spent two thirds
/// of its time waiting for those reads. Here a lookup reads one 16-byte slot, whose 96-bit hash
/// stands for the name: two different names share one with a chance below 1 in 10^18 for the
/// 200,000 names of a large log (they would then be counted as one volunteer). The names
/// themselves are kept, once each, for the list of names looked for in stories.
#[derive(Default)]
pub(super) struct Interner {
    arena: Vec<u8>,
    /// End of each name in `arena`; name `i` starts where name `i - 1` ends.
    ends: Vec<u32>,
    /// `(hash.high, hash.check << 32 | (id + 1))`; `(_, 0)` is empty.
    slots: Vec<(u64, u64)>,
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

    /// The hash of name `id` (the same in every interner), worked out again from the name:
    /// asked for only when parts are put together, or a table grows.
    pub(super) fn hash_of(&self, id: u32) -> NameHash {
        hash_name(self.name(id))
    }

    #[inline]
    fn home(&self, h: NameHash) -> usize {
        (h.high >> 32) as usize & (self.slots.len() - 1)
    }

    /// Asks for the cache line of the slot `h` is looked for in first.
    #[inline(always)]
    pub(super) fn prefetch(&self, h: NameHash) {
        if self.slots.is_empty() {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is only a hint: it never faults, and the slot is a live element.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>((&self.slots[self.home(h)] as *const (u64, u64)).cast());
        }
    }

    /// The id of the name with hash `h`, if interned.
    #[inline]
    pub(super) fn find(&self, h: NameHash) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let (high, low) = self.slots[i];
            if low == 0 {
                return None;
            }
            if high == h.high && (low >> 32) as u32 == h.check {
                return Some((low as u32) - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `name` (hash `h`), interned if new, and whether it was.
    #[inline]
    pub(super) fn intern(&mut self, name: &[u8], h: NameHash) -> (u32, bool) {
        if let Some(id) = self.find(h) {
            return (id, false);
        }
        if 5 * (self.len() + 1) > 4 * self.slots.len() {
            self.grow();
        }
        let id = self.len() as u32;
        self.arena.extend_from_slice(name);
        self.ends
            .push(u32::try_from(self.arena.len()).unwrap_or(u32::MAX));
        self.place(h, id);
        (id, true)
    }

    fn place(&mut self, h: NameHash, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        while self.slots[i].1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (h.high, u64::from(h.check) << 32 | u64::from(id + 1));
    }

    #[cold]
    fn grow(&mut self) {
        self.slots = vec![(0, 0); (self.slots.len() * 2).max(64)];
        for id in 0..self.len() as u32 {
            self.place(self.hash_of(id), id);
        }
    }
}

/// A name's 96-bit hash, in one pass over its bytes, 8 at a time, in two lanes with different
/// multipliers, each finished as MurmurHash3 finishes (so every byte reaches every bit).
#[inline]
pub(super) fn hash_name(b: &[u8]) -> NameHash {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let mut h1 = (b.len() as u64).wrapping_mul(K1);
    let mut h2 = (b.len() as u64).wrapping_mul(K2) ^ 0x27D4_EB2F_1656_67C5;
    let mut mix = |w: u64| {
        h1 = (h1 ^ w).wrapping_mul(K1).rotate_left(31);
        h2 = (h2 ^ w).wrapping_mul(K2).rotate_left(27);
    };
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        mix(u64::from_le_bytes([
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
        ]));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        mix(u64::from_le_bytes(last));
    }
    NameHash {
        high: finish(h1),
        check: (finish(h2) >> 32) as u32,
    }
}

#[inline]
fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let h = (h ^ (h >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Names as written that differ from their form as compared ("Ann Lee" for "ann lee"), each
/// with its person's id and hash in its own slot, so a row is settled with one slot read.
#[derive(Default)]
struct Spellings {
    /// `(hash.high, hash.check << 32 | (person + 1), person's hash)`; `(_, 0, _)` is empty.
    slots: Vec<(u64, u64, u64)>,
    len: usize,
}

impl Spellings {
    #[inline]
    fn home(&self, h: NameHash) -> usize {
        (h.high >> 32) as usize & (self.slots.len() - 1)
    }

    #[inline(always)]
    fn prefetch(&self, h: NameHash) {
        if self.slots.is_empty() {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is only a hint: it never faults, and the slot is a live element.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(
                (&self.slots[self.home(h)] as *const (u64, u64, u64)).cast(),
            );
        }
    }

    /// The person (id, hash) a spelling stands for, if seen.
    #[inline]
    fn find(&self, h: NameHash) -> Option<(u32, u64)> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let (high, low, person) = self.slots[i];
            if low == 0 {
                return None;
            }
            if high == h.high && (low >> 32) as u32 == h.check {
                return Some(((low as u32) - 1, person));
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, h: NameHash, id: u32, person: u64) {
        if 5 * (self.len + 1) > 4 * self.slots.len() {
            let size = (self.slots.len() * 2).max(64);
            let old = std::mem::replace(&mut self.slots, vec![(0, 0, 0); size]);
            for (high, low, p) in old.into_iter().filter(|s| s.1 != 0) {
                let check = (low >> 32) as u32;
                self.place(NameHash { high, check }, low, p);
            }
        }
        self.place(h, u64::from(h.check) << 32 | u64::from(id + 1), person);
        self.len += 1;
    }

    fn place(&mut self, h: NameHash, low: u64, person: u64) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        while self.slots[i].1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (h.high, low, person);
    }
}

/// The distinct volunteers counted: an id for each person (their name as compared), and the
/// names as written that differ from that form, each pointing at its person.
#[derive(Default)]
pub(super) struct People {
    names: Interner,
    spellings: Spellings,
    buf: Vec<u8>,
}

impl People {
    /// Hashes a name as written and asks for the slot it will be looked up in, so that the
    /// lookup, a few steps later, finds it in the cache.
    #[inline]
    pub(super) fn prepare(&self, name: &[u8]) -> NameHash {
        let h = hash_name(name);
        match is_compared_form(name) {
            true => self.names.prefetch(h),
            false => self.spellings.prefetch(h),
        }
        h
    }

    /// The person named (`h` from [`People::prepare`]): their id, given one if new, whether
    /// they are new, and the hash of their name as compared ([`People::person_hash`]).
    #[inline]
    pub(super) fn id(&mut self, name: &[u8], h: NameHash) -> (u32, bool, u64) {
        if is_compared_form(name) {
            let (id, new) = self.names.intern(name, h);
            return (id, new, h.high);
        }
        // Names as written are looked up first; only a spelling not seen before is
        // normalised and matched against the people already counted.
        if let Some((id, person)) = self.spellings.find(h) {
            return (id, false, person);
        }
        let key = name_key(name, &mut self.buf);
        let person = hash_name(key);
        let (id, new) = self.names.intern(key, person);
        self.spellings.insert(h, id, person.high);
        (id, new, person.high)
    }

    /// The id of a person already counted.
    pub(super) fn find(&mut self, name: &[u8]) -> Option<u32> {
        let h = hash_name(name);
        if is_compared_form(name) {
            return self.names.find(h);
        }
        if let Some((id, _)) = self.spellings.find(h) {
            return Some(id);
        }
        self.names.find(hash_name(name_key(name, &mut self.buf)))
    }

    /// The hash of person `id`'s name as compared: the same for the same person in every
    /// `People`, so threads reading parts of a log can key their days by it.
    #[inline]
    pub(super) fn person_hash(&self, id: u32) -> u64 {
        self.names.hash_of(id).high
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

    fn id(p: &mut People, name: &[u8]) -> (u32, bool) {
        let h = p.prepare(name);
        let (id, new, person) = p.id(name, h);
        assert_eq!(person, p.person_hash(id));
        (id, new)
    }

    #[test]
    fn spellings_of_one_person_share_an_id() {
        let mut p = People::default();
        assert_eq!(id(&mut p, b"Ann Lee"), (0, true));
        assert_eq!(id(&mut p, b"ann lee"), (0, false));
        assert_eq!(id(&mut p, b"ANN  LEE"), (0, false));
        assert_eq!(id(&mut p, b"v00001"), (1, true));
        assert_eq!(id(&mut p, b"V00001"), (1, false));
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
            assert_eq!(id(&mut p, name.as_bytes()).0, want, "{name}");
        }
        assert_eq!(p.count(), 30_000);
        let names: Vec<&[u8]> = p.names().collect();
        assert_eq!(names[0], b"v00000");
    }

    #[test]
    fn absorbing_another_list_maps_its_ids() {
        let mut a = People::default();
        id(&mut a, b"Ann Lee");
        id(&mut a, b"Bob Day");
        let mut b = People::default();
        id(&mut b, b"bob day");
        id(&mut b, b"Cat Ng");
        assert_eq!(a.absorb(&b), vec![1, 2]);
        assert_eq!(a.count(), 3);
        assert_eq!(a.person_hash(1), b.person_hash(0));
    }
}
