//! The same PDF bytes for the same figure: svg2pdf 0.13 writes its font objects and resource
//! dictionaries in the order of a `HashMap` (seeded anew in every process), so two runs differ in
//! object numbers and dictionary order though they draw the same page. [`canonical`] renumbers
//! the objects in the order a depth-first walk from the trailer meets them (dictionary keys in
//! byte order) and writes every dictionary with its keys sorted: a fixed function of the page's
//! content, whatever order the objects were written in. The drawing (content streams, font
//! subsets) is copied byte for byte.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// `pdf` with its objects renumbered and its dictionaries sorted (see the module docs). Errors:
/// `pdf` cannot be parsed or written again (never for svg2pdf's output in practice).
pub(super) fn canonical(pdf: &[u8]) -> Result<Vec<u8>> {
    let doc = Document::load_mem(pdf).context("reading the PDF back to fix its object order")?;
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    walk_dict(&doc.trailer, &doc, &mut order, &mut seen);
    let renumber: BTreeMap<ObjectId, ObjectId> = order
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, (i as u32 + 1, 0)))
        .collect();
    let mut out = Document::with_version(doc.version.clone());
    for (&old, &new) in &renumber {
        if let Ok(object) = doc.get_object(old) {
            out.objects.insert(new, remap(object, &renumber));
        }
    }
    out.trailer = remap_dict(&doc.trailer, &renumber);
    out.max_id = order.len() as u32;
    let mut bytes = Vec::with_capacity(pdf.len());
    out.save_to(&mut bytes)
        .context("writing the PDF with its objects in order")?;
    Ok(bytes)
}

/// Appends the objects `object` refers to, depth first, each once.
fn walk(object: &Object, doc: &Document, order: &mut Vec<ObjectId>, seen: &mut HashSet<ObjectId>) {
    match object {
        Object::Reference(id) if seen.insert(*id) => {
            order.push(*id);
            if let Ok(target) = doc.get_object(*id) {
                walk(target, doc, order, seen);
            }
        }
        Object::Array(items) => items.iter().for_each(|o| walk(o, doc, order, seen)),
        Object::Dictionary(dict) => walk_dict(dict, doc, order, seen),
        Object::Stream(stream) => walk_dict(&stream.dict, doc, order, seen),
        _ => {}
    }
}

fn walk_dict(
    dict: &Dictionary,
    doc: &Document,
    order: &mut Vec<ObjectId>,
    seen: &mut HashSet<ObjectId>,
) {
    for (_, value) in sorted(dict) {
        walk(value, doc, order, seen);
    }
}

/// A dictionary's entries in byte order of their keys.
fn sorted(dict: &Dictionary) -> Vec<(&Vec<u8>, &Object)> {
    let mut entries: Vec<_> = dict.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// `object` with its references renumbered and its dictionaries sorted.
fn remap(object: &Object, renumber: &BTreeMap<ObjectId, ObjectId>) -> Object {
    match object {
        Object::Reference(id) => Object::Reference(*renumber.get(id).unwrap_or(id)),
        Object::Array(items) => Object::Array(items.iter().map(|o| remap(o, renumber)).collect()),
        Object::Dictionary(dict) => Object::Dictionary(remap_dict(dict, renumber)),
        Object::Stream(stream) => {
            let mut stream = stream.clone();
            stream.dict = remap_dict(&stream.dict, renumber);
            Object::Stream(stream)
        }
        other => other.clone(),
    }
}

fn remap_dict(dict: &Dictionary, renumber: &BTreeMap<ObjectId, ObjectId>) -> Dictionary {
    let mut out = Dictionary::new();
    for (key, value) in sorted(dict) {
        out.set(key.clone(), remap(value, renumber));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// Two documents with the same objects written in different orders come out the same bytes,
    /// and the result still parses with the same page content.
    #[test]
    fn object_order_does_not_change_the_bytes() {
        let make = |font_first: bool| {
            let mut doc = Document::with_version("1.7");
            let (font_a, font_b) = if font_first {
                ((10, 0), (11, 0))
            } else {
                ((11, 0), (10, 0))
            };
            doc.objects.insert(
                font_a,
                Object::Dictionary(dictionary! { "Type" => "Font", "BaseFont" => "A" }),
            );
            doc.objects.insert(
                font_b,
                Object::Dictionary(dictionary! { "Type" => "Font", "BaseFont" => "B" }),
            );
            let mut fonts = Dictionary::new();
            // Insertion order differs too.
            if font_first {
                fonts.set("F0", Object::Reference(font_a));
                fonts.set("F1", Object::Reference(font_b));
            } else {
                fonts.set("F1", Object::Reference(font_b));
                fonts.set("F0", Object::Reference(font_a));
            }
            let content = lopdf::Stream::new(Dictionary::new(), b"BT /F0 12 Tf (x) Tj ET".to_vec());
            doc.objects.insert((3, 0), Object::Stream(content));
            doc.objects.insert(
                (2, 0),
                Object::Dictionary(dictionary! {
                    "Type" => "Page", "Contents" => Object::Reference((3, 0)),
                    "Resources" => dictionary! { "Font" => fonts },
                }),
            );
            doc.objects.insert(
                (1, 0),
                Object::Dictionary(
                    dictionary! { "Type" => "Catalog", "Pages" => Object::Reference((2, 0)) },
                ),
            );
            doc.trailer.set("Root", Object::Reference((1, 0)));
            doc.max_id = 11;
            let mut bytes = Vec::new();
            doc.save_to(&mut bytes).unwrap();
            bytes
        };
        let (a, b) = (make(true), make(false));
        assert_ne!(a, b, "the inputs differ in order");
        let (ca, cb) = (canonical(&a).unwrap(), canonical(&b).unwrap());
        assert_eq!(ca, cb);
        let back = Document::load_mem(&ca).unwrap();
        let page = back.get_object((2, 0)).unwrap().as_dict().unwrap();
        let contents = page.get(b"Contents").unwrap().as_reference().unwrap();
        let stream = back.get_object(contents).unwrap().as_stream().unwrap();
        assert_eq!(stream.content, b"BT /F0 12 Tf (x) Tj ET");
    }
}
