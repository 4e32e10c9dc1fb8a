//! One snapshot line straight into compact form: the record is deserialized with its strings
//! borrowed from the line (no `String` per field, no `Link` per reference) and written into a
//! [`ParsedChunk`], which the reader interns in file order afterwards.
//!
//! The borrowed types mirror [`crate::s2::PaperRecord`] and [`crate::s2::Link`] field for field,
//! with the same types and the same leniency (`null` lists, missing fields), so a line is
//! accepted or refused exactly as the full record would be.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{
    intent_bit, put_len, put_opt_str, put_str, PaperKey, RecordCounts, LINK_INFLUENTIAL,
    LINK_REFERENCE,
};
use crate::records::null_default;

/// Lines parsed on one worker, before their ids are interned.
#[derive(Debug, Default)]
pub(crate) struct ParsedChunk {
    pub records: Vec<ParsedRecord>,
    /// The other end of every kept link, record after record (references, then citations).
    pub targets: Vec<PaperKey>,
    pub flags: Vec<u8>,
    /// Links that carry a title, year, external ids or citation count.
    pub details: Vec<ParsedDetail>,
    /// Packed strings of the records and details (see [`super::PaperMetadata`]).
    pub strings: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct ParsedRecord {
    /// Byte offset of the line in the file.
    pub offset: u64,
    /// The trimmed paper id; `None` when blank (such a record is no node).
    pub key: Option<PaperKey>,
    /// The paper id as written, when it differs from `key`'s (spaces around it, or blank).
    pub raw_id: Option<Box<str>>,
    pub year: Option<i32>,
    pub citation_count: Option<u64>,
    pub reference_count: Option<u64>,
    pub counts: RecordCounts,
    /// End of this record's links in `targets` and `flags`.
    pub links_end: usize,
    /// Start of this record's strings.
    pub strings: usize,
}

#[derive(Debug)]
pub(crate) struct ParsedDetail {
    /// Index of the link in the chunk's `targets`.
    pub link: usize,
    pub year: Option<i32>,
    pub citation_count: Option<u64>,
    pub strings: usize,
}

/// Parses `line` (at byte `offset` of the file) into `chunk`, keeping at most `max_citations`
/// citations (what `--no-citations` and `--max-citations` leave of the list). On error the
/// chunk is left as it was.
pub(crate) fn parse_line(
    line: &[u8],
    offset: u64,
    max_citations: usize,
    chunk: &mut ParsedChunk,
) -> Result<(), serde_json::Error> {
    let record: RecordLine<'_> = serde_json::from_slice(line)?;
    let trimmed = record.paper_id.trim();
    let key = (!trimmed.is_empty()).then(|| PaperKey::new(trimmed));
    let raw_id = (key.is_none() || trimmed.len() != record.paper_id.len())
        .then(|| Box::<str>::from(&*record.paper_id));

    let strings = chunk.strings.len();
    let out = &mut chunk.strings;
    put_opt_str(out, raw_id.as_deref());
    put_opt_str(out, record.title.as_deref());
    put_opt_str(out, record.venue.as_deref());
    let names: Vec<&str> = record
        .authors
        .iter()
        .filter_map(|a| a.name.as_deref())
        .collect();
    put_len(out, names.len());
    for name in names {
        put_str(out, name);
    }
    record.external_ids.pack(out);

    let mut counts = RecordCounts::default();
    let references = record.references.unwrap_or_default();
    let citations = record.citations.unwrap_or_default();
    counts.references = references.len() as u32;
    let kept_citations = citations.len().min(max_citations);
    counts.citations = kept_citations as u32;
    let lists = [
        (true, &references[..]),
        (false, &citations[..kept_citations]),
    ];
    for (reference, links) in lists {
        for link in links {
            if reference && link.paper_id.is_none() {
                counts.unmatched_references += 1;
            }
            let Some(other) = link.paper_id.as_deref().map(str::trim) else {
                continue;
            };
            if other.is_empty() {
                continue;
            }
            if link.has_details() {
                let strings = chunk.strings.len();
                put_opt_str(&mut chunk.strings, link.title.as_deref());
                link.external_ids.pack(&mut chunk.strings);
                chunk.details.push(ParsedDetail {
                    link: chunk.targets.len(),
                    year: link.year,
                    citation_count: link.citation_count,
                    strings,
                });
            }
            let mut flags = link.intents.0;
            if link.is_influential {
                flags |= LINK_INFLUENTIAL;
            }
            if reference {
                flags |= LINK_REFERENCE;
            }
            chunk.targets.push(PaperKey::new(other));
            chunk.flags.push(flags);
        }
    }
    chunk.records.push(ParsedRecord {
        offset,
        key,
        raw_id,
        year: record.year,
        citation_count: record.citation_count,
        reference_count: record.reference_count,
        counts,
        links_end: chunk.targets.len(),
        strings,
    });
    Ok(())
}

/// [`crate::s2::PaperRecord`], borrowed. Fields read only to be validated keep their type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordLine<'a> {
    #[serde(borrow)]
    paper_id: Text<'a>,
    #[serde(default, borrow)]
    external_ids: ExternalIds<'a>,
    #[serde(default, borrow)]
    title: Option<Text<'a>>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default, borrow)]
    venue: Option<Text<'a>>,
    #[serde(default, borrow)]
    #[allow(dead_code)]
    publication_date: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "null_default")]
    authors: Vec<AuthorLine<'a>>,
    #[serde(default)]
    citation_count: Option<u64>,
    #[serde(default)]
    #[allow(dead_code)]
    influential_citation_count: Option<u64>,
    #[serde(default)]
    reference_count: Option<u64>,
    #[serde(default, borrow)]
    references: Option<Vec<LinkLine<'a>>>,
    #[serde(default, borrow)]
    citations: Option<Vec<LinkLine<'a>>>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorLine<'a> {
    #[serde(default, borrow)]
    #[allow(dead_code)]
    author_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    name: Option<Text<'a>>,
}

/// [`crate::s2::Link`], borrowed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkLine<'a> {
    #[serde(default, borrow)]
    paper_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    title: Option<Text<'a>>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default, borrow)]
    external_ids: ExternalIds<'a>,
    #[serde(default)]
    citation_count: Option<u64>,
    #[serde(default, deserialize_with = "null_default")]
    is_influential: bool,
    #[serde(default)]
    intents: IntentBits,
}

impl LinkLine<'_> {
    /// Whether the link describes its paper (a node without a record of its own takes that).
    fn has_details(&self) -> bool {
        self.title.is_some()
            || self.year.is_some()
            || self.citation_count.is_some()
            || !self.external_ids.0.is_empty()
    }
}

/// External ids as the record's `BTreeMap<String, Value>` holds them: sorted by name, the last
/// of a repeated name winning; string and number values kept as text (numbers as
/// `serde_json::Number` prints them), other values dropped. `null` is no ids.
#[derive(Default)]
struct ExternalIds<'a>(Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>);

impl ExternalIds<'_> {
    /// Count, then (name, value) pairs.
    fn pack(&self, out: &mut Vec<u8>) {
        let kept = || self.0.iter().filter_map(|(k, v)| Some((k, v.as_ref()?)));
        put_len(out, kept().count());
        for (name, value) in kept() {
            put_str(out, name);
            put_str(out, value);
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ExternalIds<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(NullOr(IdsVisitor(std::marker::PhantomData)))
    }
}

struct IdsVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for IdsVisitor<'a> {
    type Value = ExternalIds<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut pairs = Vec::new();
        while let Some(Text(name)) = map.next_key::<Text<'a>>()? {
            let ExternalId(value) = map.next_value()?;
            pairs.push((name, value));
        }
        // A stable sort keeps repeated names in reading order: the last one stays.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(Cow<'a, str>, Option<Cow<'a, str>>)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match kept.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => kept.push(pair),
            }
        }
        Ok(ExternalIds(kept))
    }
}

/// One external id value: any JSON value is accepted (as `serde_json::Value` accepts it); only
/// strings and numbers are kept.
struct ExternalId<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for ExternalId<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Any<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Any<'a> {
            type Value = ExternalId<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(ExternalId(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ExternalId(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ExternalId(Some(Cow::Owned(v))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(number(serde_json::Number::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(number(serde_json::Number::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(serde_json::Number::from_f64(v).map_or(ExternalId(None), number))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(ExternalId(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ExternalId(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ExternalId(None))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ExternalId(None))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ExternalId(None))
            }
        }
        d.deserialize_any(Any(std::marker::PhantomData))
    }
}

fn number<'a>(n: serde_json::Number) -> ExternalId<'a> {
    ExternalId(Some(Cow::Owned(n.to_string())))
}

/// A link's `intents` folded into their bits as they are read; `null` is none.
#[derive(Default)]
struct IntentBits(u8);

impl<'de> Deserialize<'de> for IntentBits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = IntentBits;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let mut bits = 0;
                while let Some(name) = seq.next_element::<Text<'de>>()? {
                    bits |= intent_bit(&name);
                }
                Ok(IntentBits(bits))
            }
        }
        d.deserialize_option(NullOr(Names))
    }
}

/// `null` as the visitor's value's default, anything else through the visitor.
struct NullOr<V>(V);

impl<'de, V> Visitor<'de> for NullOr<V>
where
    V: Visitor<'de>,
    V::Value: Default,
{
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(V::Value::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(V::Value::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self.0)
    }
}

/// A string borrowed from the line when it holds no escape (most do), owned otherwise.
struct Text<'a>(Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Str<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Str<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Str(std::marker::PhantomData))
    }
}
