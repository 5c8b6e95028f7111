//! Typed records from a submission's [`Layout`], a table at a time: each table's own section
//! is parsed when its record is read and dropped once it is, so the typed submission is built
//! without the whole document ever being held as a tree. Values go through the TOML crate's
//! own deserializer, so they mean exactly what they would in one whole-file parse; every
//! problem keeps its place in the whole text.

use super::layout::{Error, Layout, Node, Table};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::ops::Range;

/// Reads a whole document's typed records (a [`super::Submission`]).
pub fn from_layout<'t, T: serde::Deserialize<'t>>(layout: &'t Layout<'t>) -> Result<T, Error> {
    T::deserialize(TableDe {
        layout,
        table: &layout.root,
    })
}

/// One table: its own section's keys and the tables headers put inside it.
struct TableDe<'t> {
    layout: &'t Layout<'t>,
    table: &'t Table,
}

impl<'t> de::Deserializer<'t> for TableDe<'t> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value, Error> {
        let here = self.layout.header(self.table);
        let own = match self.table.own {
            Some(i) => self.layout.own_detable(i)?,
            None => toml::de::DeTable::new(),
        };
        self.layout
            .clash(self.table, own.iter().map(|(k, _)| k.get_ref().as_ref()))?;
        let access = Entries {
            layout: self.layout,
            offset: self
                .table
                .own
                .map_or(0, |i| self.layout.sections[i].range.start),
            own: own.into_iter(),
            children: self.table.children.iter(),
            value: None,
        };
        visitor.visit_map(access).map_err(|e| e.or_at(here))
    }

    fn deserialize_option<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'t>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'t>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A list of `[[table]]` entries.
struct ArrayDe<'t> {
    layout: &'t Layout<'t>,
    items: &'t [Table],
}

impl<'t> de::Deserializer<'t> for ArrayDe<'t> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value, Error> {
        let first = self.items.first().and_then(|t| self.layout.header(t));
        visitor
            .visit_seq(Items {
                layout: self.layout,
                items: self.items.iter(),
            })
            .map_err(|e| e.or_at(first))
    }

    fn deserialize_option<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'t>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

struct Items<'t> {
    layout: &'t Layout<'t>,
    items: std::slice::Iter<'t, Table>,
}

impl<'t> SeqAccess<'t> for Items<'t> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'t>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        let Some(table) = self.items.next() else {
            return Ok(None);
        };
        let here = self.layout.header(table);
        seed.deserialize(TableDe {
            layout: self.layout,
            table,
        })
        .map(Some)
        .map_err(|e| e.or_at(here))
    }
}

/// What the next value is: one of the section's own, or a table a header defines.
enum Value<'t> {
    Own(toml::Spanned<toml::de::DeValue<'t>>),
    Child(&'t Node, Option<Range<usize>>),
}

/// A table's entries: its own section's first, then the tables inside it.
struct Entries<'t> {
    layout: &'t Layout<'t>,
    /// Where the own section starts in the text (its spans are from there).
    offset: usize,
    own: <toml::de::DeTable<'t> as IntoIterator>::IntoIter,
    children: std::collections::btree_map::Iter<'t, String, Node>,
    value: Option<Value<'t>>,
}

impl<'t> MapAccess<'t> for Entries<'t> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'t>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if let Some((k, v)) = self.own.next() {
            let span = k.span().start + self.offset..k.span().end + self.offset;
            self.value = Some(Value::Own(v));
            let key: &str = k.get_ref();
            let d: de::value::StrDeserializer<'_, Error> = key.into_deserializer();
            return seed
                .deserialize(d)
                .map(Some)
                .map_err(|e| e.or_at(Some(span)));
        }
        let Some((k, node)) = self.children.next() else {
            return Ok(None);
        };
        let span = match node {
            Node::Table(t) => self.layout.header(t),
            Node::Array(v) => v.first().and_then(|t| self.layout.header(t)),
        };
        self.value = Some(Value::Child(node, span.clone()));
        let d: de::value::StrDeserializer<'_, Error> = k.as_str().into_deserializer();
        seed.deserialize(d).map(Some).map_err(|e| e.or_at(span))
    }

    fn next_value_seed<S: DeserializeSeed<'t>>(&mut self, seed: S) -> Result<S::Value, Error> {
        match self.value.take() {
            Some(Value::Own(v)) => seed
                .deserialize(toml::de::ValueDeserializer::from(v))
                .map_err(|e| Error::from_toml(&e, self.offset)),
            Some(Value::Child(Node::Table(table), span)) => seed
                .deserialize(TableDe {
                    layout: self.layout,
                    table,
                })
                .map_err(|e| e.or_at(span)),
            Some(Value::Child(Node::Array(items), span)) => seed
                .deserialize(ArrayDe {
                    layout: self.layout,
                    items,
                })
                .map_err(|e| e.or_at(span)),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::submission::Submission;

    /// The worked example's return, as `submit` writes it.
    pub fn example() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs");
        let (v, tk) =
            crate::value::at::value_project(&root, None, Default::default(), None).unwrap();
        let written = Some("2025-05-01T09:30:00Z".to_string());
        crate::submission::to_toml(&crate::submission::from_valuation(&v, &tk, written))
    }

    #[test]
    fn a_return_reads_as_a_whole_file_parse_reads_it() {
        let good = example();
        let layout = Layout::of(&good).unwrap();
        let by_tables: Submission = from_layout(&layout).unwrap();
        let whole: Submission = toml::from_str(&good).unwrap();
        assert_eq!(by_tables, whole);
        assert!(!whole.partnership[0].shares.is_empty());
    }

    #[test]
    fn unknown_and_missing_keys_are_placed_on_their_lines() {
        let good = example();
        let text = good.replacen("[period]\n", "[period]\nbogus = 1\n", 1);
        let layout = Layout::of(&text).unwrap();
        let e = from_layout::<Submission>(&layout).unwrap_err();
        assert!(e.message.contains("unknown field `bogus`"), "{e}");
        assert_eq!(&text[e.span.unwrap()], "bogus");
        let text = good.replacen("[period]\nstart", "[period]\nbegin", 1);
        let layout = Layout::of(&text).unwrap();
        let e = from_layout::<Submission>(&layout).unwrap_err();
        assert!(e.message.contains("begin"), "{e}");
    }
}
