//! Typed records from a file's [`Layout`], a table at a time: each table's own section is
//! parsed when its record is read and dropped once it is, so the typed records are built
//! without the whole document ever being held as a tree. Values go through the TOML crate's
//! own deserializer, so they mean exactly what they would in one whole-file parse; every
//! span (in a message, or a `Spanned` field) is a place in the whole text.

use super::{Error, Layout, Node, Table};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Reads a whole document's typed records.
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
            Some(i) => placed_table(
                self.layout.own_detable(i)?,
                self.layout.sections[i].range.start,
            ),
            None => DeTable::new(),
        };
        self.layout
            .clash(self.table, own.iter().map(|(k, _)| k.get_ref().as_ref()))?;
        let access = Entries {
            layout: self.layout,
            own: own.into_iter(),
            children: self.table.children.iter(),
            value: None,
        };
        visitor.visit_map(access).map_err(|e| e.or_at(here))
    }

    /// A `Spanned` table is spanned by its header, as the TOML crate spans it (the whole text
    /// for the document itself).
    fn deserialize_struct<V: Visitor<'t>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if serde_spanned::de::is_spanned(name) {
            let span = self
                .layout
                .header(self.table)
                .unwrap_or(0..self.layout.text.len());
            return visitor.visit_map(serde_spanned::de::SpannedDeserializer::new(self, span));
        }
        self.deserialize_any(visitor)
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
        unit unit_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

impl<'t> IntoDeserializer<'t, Error> for TableDe<'t> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// A section's table with every span in it moved by `offset`: a place in the whole text.
fn placed_table(t: DeTable<'_>, offset: usize) -> DeTable<'_> {
    t.into_iter()
        .map(|(k, v)| (moved(k, offset), placed(v, offset)))
        .collect()
}

fn placed(v: Spanned<DeValue<'_>>, offset: usize) -> Spanned<DeValue<'_>> {
    let span = v.span();
    let value = match v.into_inner() {
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(|x| placed(x, offset)).collect()),
        DeValue::Table(t) => DeValue::Table(placed_table(t, offset)),
        other => other,
    };
    Spanned::new(span.start + offset..span.end + offset, value)
}

fn moved<T>(x: Spanned<T>, offset: usize) -> Spanned<T> {
    let span = x.span();
    Spanned::new(span.start + offset..span.end + offset, x.into_inner())
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
    Own(Spanned<DeValue<'t>>),
    Child(&'t Node, Option<Range<usize>>),
}

/// A table's entries: its own section's first, then the tables inside it.
struct Entries<'t> {
    layout: &'t Layout<'t>,
    own: <DeTable<'t> as IntoIterator>::IntoIter,
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
            let span = k.span();
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
            Some(Value::Own(v)) => {
                // An error made after the value was read (an untagged enum's) is placed on it.
                let span = v.span();
                seed.deserialize(toml::de::ValueDeserializer::from(v))
                    .map_err(|e| Error::from_toml(&e, 0).or_at(Some(span)))
            }
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
