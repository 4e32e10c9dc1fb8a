//! The other list formats of the family, read entry by entry (the format is detected per entry, so
//! one file may mix them). [`super::markdown`] reads the bold-title format itself
//! (`- **[12] Title**, Venue 2023.`); an item that does not open with bold text comes here as its
//! *flat* form: its own text with a marker per link ([`LINK`]) and per image ([`IMAGE`]), `\n`
//! per line break and `\t` before each table cell. Formats read:
//!
//! | format | example |
//! |---|---|
//! | tag | `* [**CVPR'26**] Title [[Paper](url)] [[Code](url)]` (venue and year from the tag, `[arXiv]`, `'26`, a `Workshop` suffix) |
//! | line break | `- Title <br> Venue Year [[Paper]](url) [[Code]](url)` (the venue may be on the next line) |
//! | title link | `- [Title](url) - Venue Year`, `* [badges] [Title](url). Authors. [[Paper]](url)` |
//! | table row | `\| [badges]<br>[Title](url) <br> Authors \| [Paper](url) \|` (venue from a `Conference-NeurIPS'23` badge) |
//!
//! An item is an entry when it has a title and a paper: a `[Paper]`-like link, a title link to a
//! paper site (arXiv, DOI, ACL, OpenReview, a PDF), or, for a title link, a venue with a year.
//! An item with a paper link but no title it can read is [`Reading::Unreadable`]: the caller
//! warns with file and line.

use std::sync::LazyLock;

use regex::Regex;

use super::badges::collapse_spaces;
use super::fields::{looks_like_paper, parse_venue};

/// Starts a link marker in the flat form: `LINK`, the link's index, [`LINK_END`].
pub const LINK: char = '\u{1}';
/// Ends a link marker.
pub const LINK_END: char = '\u{2}';
/// An image (a badge) outside any link.
pub const IMAGE: &str = "\u{3}";

/// The marker of link `index`.
pub fn link_marker(index: usize) -> String {
    format!("{LINK}{index}{LINK_END}")
}

/// A link of the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatLink {
    pub label: String,
    pub dest: String,
    /// Labelled like a paper link (`Paper`, `PDF`, `arXiv`, ...).
    pub paper_role: bool,
    /// Labelled like a code link (`Code`, `GitHub`, ...).
    pub code_role: bool,
    /// Holds an image (a linked badge).
    pub has_image: bool,
}

/// What the item says, in the bold format's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Other {
    pub title: String,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub authors: Option<String>,
    /// The link on the title, when the title is a link.
    pub title_link: Option<String>,
}

/// The verdict on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Entry(Other),
    /// Not a paper entry (a navigation link, a tool, prose).
    NotEntry,
    /// It links a paper, but no title could be read from it: why.
    Unreadable(String),
}

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[\s*\*\*([^\]\n*]{1,60})\*\*\s*\]\s*").expect("literal regex, unit-tested")
});
static PLAIN_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[([^\]\n\x01-\x03*]{2,40})\]\s+").expect("literal regex, unit-tested")
});
static SHORT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)\s*['’‘]\s*(\d{2})\b\s*(.*)$").expect("literal regex, unit-tested")
});
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\x01(\d+)\x02").expect("literal regex, unit-tested"));

/// Reads one item that does not open with bold text. `badges` is how many legend badges it has.
pub fn read(flat: &str, links: &[FlatLink], table_row: bool, badges: usize) -> Reading {
    // A `[Papers](#papers)` contents link is labelled like a paper link but goes nowhere.
    let is_web = |url: &str| {
        let url = url.trim().to_ascii_lowercase();
        url.starts_with("http://") || url.starts_with("https://")
    };
    let has_paper_link = links
        .iter()
        .any(|l| (l.paper_role && is_web(&l.dest)) || looks_like_paper(&l.dest));
    let cell = if table_row {
        // The first cell with text or a link holds the title.
        flat.split('\t')
            .find(|c| !strip_decoration(c).is_empty())
            .unwrap_or_default()
    } else {
        flat
    };
    let body = skip_badge_links(strip_decoration(cell), links);
    let mut other = Other::default();
    let mut rest = body;
    // A venue tag in front: `[**CVPR'26**]`, `[arXiv]`.
    if let Some(caps) = TAG.captures(rest) {
        let tag = caps.get(1).map_or("", |m| m.as_str());
        (other.venue, other.year) = parse_tag(tag);
        rest = strip_decoration(&rest[caps.get(0).map_or(0, |m| m.end())..]);
    } else if let Some(caps) = PLAIN_TAG.captures(rest) {
        let tag = caps.get(1).map_or("", |m| m.as_str());
        if let Some((venue, year)) = known_tag(tag) {
            (other.venue, other.year) = (Some(venue), year);
            rest = strip_decoration(&rest[caps.get(0).map_or(0, |m| m.end())..]);
        }
    }
    let title_link = MARKER
        .captures(rest)
        .filter(|caps| caps.get(0).is_some_and(|m| m.start() == 0))
        .and_then(|caps| {
            let index: usize = caps.get(1)?.as_str().parse().ok()?;
            let link = links.get(index)?;
            let usable = !link.paper_role
                && !link.code_role
                && !link.has_image
                && !link.label.trim().is_empty();
            usable.then(|| (caps.get(0).map_or(0, |m| m.end()), link))
        });
    let after = match title_link {
        Some((end, link)) => {
            other.title = clean_title(&link.label);
            other.title_link = Some(link.dest.clone());
            &rest[end..]
        }
        None => {
            // The title is the text up to the first line break or link.
            let end = rest.find(['\n', LINK]).unwrap_or(rest.len());
            other.title = clean_title(&rest[..end]);
            &rest[end..]
        }
    };
    read_venue_and_authors(after, &mut other);
    if other.title.is_empty() {
        return if has_paper_link {
            Reading::Unreadable(
                "this item links a paper but no title could be read from it (expected `Title <br> Venue Year [[Paper]](URL)`, `[Title](URL) - Venue Year` or `**Title**, Venue Year`); skipped".into(),
            )
        } else {
            Reading::NotEntry
        };
    }
    let title_is_paper = other.title_link.as_deref().is_some_and(|url| {
        looks_like_paper(url)
            || (other.year.is_some() && !url.starts_with('#') && !url.ends_with(".md"))
    });
    if has_paper_link || title_is_paper || (badges > 0 && other.title_link.is_some()) {
        Reading::Entry(other)
    } else {
        Reading::NotEntry
    }
}

/// Linked badges in front of the title (`[![Conference](badge)](url)`) are decoration too.
fn skip_badge_links<'t>(mut text: &'t str, links: &[FlatLink]) -> &'t str {
    while let Some(caps) = MARKER.captures(text) {
        let Some(whole) = caps.get(0).filter(|m| m.start() == 0) else {
            break;
        };
        let index: Option<usize> = caps.get(1).and_then(|m| m.as_str().parse().ok());
        if !index
            .and_then(|i| links.get(i))
            .is_some_and(|l| l.has_image)
        {
            break;
        }
        text = strip_decoration(&text[whole.end()..]);
    }
    text
}

/// Whitespace, image markers and list punctuation around a cell or after a tag.
fn strip_decoration(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3}' || c == '\t')
}

/// A title as written: bold marks, markers and trailing punctuation dropped, spaces collapsed.
fn clean_title(raw: &str) -> String {
    let without_markers = MARKER.replace_all(raw, " ");
    let text = without_markers.replace("**", "").replace(IMAGE, " ");
    collapse_spaces(&text)
        .trim_end_matches(|c: char| {
            matches!(c, '[' | '(' | ',' | ';' | ':' | '-' | '–' | '—' | '|') || c.is_whitespace()
        })
        .trim_start_matches(|c: char| matches!(c, '-' | '–' | '—' | ':') || c.is_whitespace())
        .to_string()
}

/// What follows the title up to the first link: a venue with a year, and authors.
fn read_venue_and_authors(after: &str, other: &mut Other) {
    let end = after.find(LINK).unwrap_or(after.len());
    let text = &after[..end];
    for part in text.split(['\n', '\t']).flat_map(|line| line.split(". ")) {
        let part = clean_title(&part.replace(IMAGE, " "));
        let part = part
            .trim_matches(|c: char| c == '.' || c == ',' || c == '*' || c.is_whitespace())
            .to_string();
        if part.is_empty() {
            continue;
        }
        let looks_like_venue = super::fields::YEAR.is_match(&part) || known_tag(&part).is_some();
        if looks_like_venue && other.year.is_none() && other.venue.is_none() {
            let (venue, year) = parse_venue(&part);
            other.venue = venue;
            other.year = year;
        } else if other.authors.is_none() && !looks_like_venue {
            other.authors = Some(part);
        }
    }
}

/// `CVPR'26` -> (`CVPR`, 2026); `NeurIPS'23 Workshop` -> (`NeurIPS Workshop`, 2023); `CVPR 2024`
/// -> (`CVPR`, 2024); `arXiv` -> (`arXiv`, none).
pub fn parse_tag(tag: &str) -> (Option<String>, Option<i32>) {
    let tag = collapse_spaces(&tag.replace("**", " "));
    if let Some(caps) = SHORT_YEAR.captures(&tag) {
        let name = caps.get(1).map_or("", |m| m.as_str()).trim();
        let rest = caps.get(3).map_or("", |m| m.as_str()).trim();
        let short: i32 = caps.get(2).map_or(0, |m| m.as_str().parse().unwrap_or(0));
        let year = if short >= 50 {
            1900 + short
        } else {
            2000 + short
        };
        let venue = collapse_spaces(&format!("{name} {rest}"));
        return ((!venue.is_empty()).then_some(venue), Some(year));
    }
    parse_venue(&tag)
}

/// A bracketed word that is a venue tag rather than the start of a title (`[CLS] Token ...`):
/// it carries a year, or it is a preprint server.
fn known_tag(tag: &str) -> Option<(String, Option<i32>)> {
    let lower = tag.trim().to_ascii_lowercase();
    let server = ["arxiv", "openreview", "biorxiv", "preprint"]
        .iter()
        .any(|s| lower == *s);
    let (venue, year) = parse_tag(tag);
    match (venue, year) {
        (Some(venue), year) if server || year.is_some() => Some((venue, year)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(label: &str, dest: &str) -> FlatLink {
        let role = label.trim_matches(['[', ']']).to_ascii_lowercase();
        FlatLink {
            label: label.into(),
            dest: dest.into(),
            paper_role: role == "paper" || role == "pdf",
            code_role: role == "code",
            has_image: false,
        }
    }

    fn entry(reading: Reading) -> Other {
        match reading {
            Reading::Entry(other) => other,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tags() {
        assert_eq!(parse_tag("CVPR'26"), (Some("CVPR".into()), Some(2026)));
        assert_eq!(
            parse_tag("NeurIPS'23 Workshop"),
            (Some("NeurIPS Workshop".into()), Some(2023))
        );
        assert_eq!(parse_tag("ICLR 2024"), (Some("ICLR".into()), Some(2024)));
        assert_eq!(parse_tag("arXiv"), (Some("arXiv".into()), None));
        assert!(known_tag("CLS").is_none());
        assert!(known_tag("arXiv").is_some());
    }

    #[test]
    fn tag_format() {
        let links = [
            link("Paper", "https://arxiv.org/abs/2601.00001"),
            link("Code", "https://github.com/a/b"),
        ];
        let flat = "[**CVPR'26**] Sparse Tokens Everywhere [\u{1}0\u{2}] [\u{1}1\u{2}]\n";
        let other = entry(read(flat, &links, false, 0));
        assert_eq!(other.title, "Sparse Tokens Everywhere");
        assert_eq!(
            (other.venue.as_deref(), other.year),
            (Some("CVPR"), Some(2026))
        );
    }

    #[test]
    fn line_break_format() {
        let links = [link("[Paper]", "https://arxiv.org/abs/2401.00002")];
        let other = entry(read(
            "Fast Tokens: A Study\nNeurIPS 2023 \u{1}0\u{2}",
            &links,
            false,
            0,
        ));
        assert_eq!(other.title, "Fast Tokens: A Study");
        assert_eq!(
            (other.venue.as_deref(), other.year),
            (Some("NeurIPS"), Some(2023))
        );
        // A tool with a code link only is not a paper.
        let code = [link("Code", "https://github.com/a/b")];
        assert_eq!(
            read("Toolkit: fast things \u{1}0\u{2}", &code, false, 0),
            Reading::NotEntry
        );
        // A paper link and no title.
        assert!(matches!(
            read("\u{1}0\u{2}", &links, false, 0),
            Reading::Unreadable(_)
        ));
    }

    #[test]
    fn title_link_format() {
        let links = [link(
            "Merge All the Tokens",
            "https://arxiv.org/abs/2402.00003",
        )];
        let other = entry(read("\u{1}0\u{2} - ICML 2024\n", &links, false, 0));
        assert_eq!(other.title, "Merge All the Tokens");
        assert_eq!(
            (other.venue.as_deref(), other.year),
            (Some("ICML"), Some(2024))
        );
        let links = [
            link("Pruned Tokens", "https://example.org/pruned"),
            link("[Paper]", "https://arxiv.org/abs/2402.00004"),
        ];
        let other = entry(read(
            "\u{3} \u{3} \u{1}0\u{2}. Ada Lovelace, Alan Turing. [\u{1}1\u{2}]",
            &links,
            false,
            2,
        ));
        assert_eq!(other.title, "Pruned Tokens");
        assert_eq!(other.authors.as_deref(), Some("Ada Lovelace, Alan Turing"));
        // Navigation.
        let nav = [link("Survey", "#survey")];
        assert_eq!(read("\u{1}0\u{2}", &nav, false, 0), Reading::NotEntry);
    }

    #[test]
    fn table_row_format() {
        let links = [
            link("Cached Tokens", "https://example.org/cached"),
            link("Paper", "https://arxiv.org/abs/2403.00005"),
        ];
        let other = entry(read(
            "\t\u{3}\u{3}\n\u{1}0\u{2} \nAda Lovelace\t\u{1}1\u{2}",
            &links,
            true,
            1,
        ));
        assert_eq!(other.title, "Cached Tokens");
        assert_eq!(other.authors.as_deref(), Some("Ada Lovelace"));
    }
}
