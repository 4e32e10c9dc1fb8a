//! A closed item becomes a [`RawEntry`], a reading warning, or nothing (it is not an entry), in
//! named steps: [`read_head`] (the bold title and the text after it, a bold title never closed,
//! or an item of another format read by [`formats`]), [`numbered_title`] and
//! [`venue_inside_bold`] (the written `[n]`, a venue written inside the bold), the paper link
//! ([`super::links::paper_link`]), [`venue_and_year`] (a venue badge fills a missing venue), then
//! the identifiers, year and authors.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::badges::{collapse_spaces, Badge};
use crate::catalog::fields::{parse_venue, YEAR};
use crate::catalog::{formats, ids, Links, Warning};

use super::authors::split_authors;
use super::item::{ItemState, Phase};
use super::lines::LineIndex;
use super::links::{paper_link, unclosed_links};
use super::{ParsedFile, RawEntry};

static NUMBERED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\[\s*(\d{1,9})\s*\]\s*").expect("literal regex, unit-tested")
});

/// What an item says before its links: the title as written and the text after it.
struct Head {
    /// The title as written, its `[n]` included.
    title_text: String,
    /// The text after the bold title (the venue and year).
    venue_text: String,
    /// The bold title is never closed (`**[3] Title, Venue 2024`): kept with a warning.
    broken: bool,
    /// The item is of another format, read by [`formats`].
    other: Option<formats::Other>,
}

/// Reads a closed item into `parsed`: its entry, or a reading warning, or nothing when the item
/// is not an entry (prose, navigation, an item under a news or tools heading).
pub(super) fn finish_item(
    item: ItemState,
    file: &str,
    domain: &str,
    lines: &LineIndex,
    parsed: &mut ParsedFile,
) {
    let line = lines.line(item.start);
    let warn = |parsed: &mut ParsedFile, message: String| {
        parsed.warnings.push(Warning {
            file: file.to_string(),
            line: Some(line),
            message,
        })
    };
    if item.skipped {
        return;
    }
    let head = match read_head(&item) {
        Ok(Some(head)) => head,
        Ok(None) => return,
        Err(why) => {
            warn(parsed, why);
            return;
        }
    };
    let (number_written, title) = numbered_title(&head.title_text);
    let (title, venue_text) = match head.other {
        Some(_) => (title, head.venue_text),
        None => venue_inside_bold(title, head.venue_text),
    };
    let title_link = match &head.other {
        Some(other) => other.title_link.clone(),
        None => item.title_link.clone(),
    };
    let paper = paper_link(
        item.paper.clone(),
        &item.other_links,
        &item.text,
        title_link,
    );
    let is_entry = number_written.is_some() || !item.badges.is_empty() || paper.url.is_some();
    if !is_entry || (head.broken && number_written.is_none() && item.badges.is_empty()) {
        return;
    }
    if title.is_empty() {
        warn(parsed, "entry has an empty title; skipped".into());
        return;
    }
    if head.broken {
        warn(
            parsed,
            format!("entry's bold title is not closed with `**`; kept with the title {title:?}"),
        );
    }
    if paper.from_bare_url {
        warn(
            parsed,
            "entry's paper link is not valid Markdown (`[[Paper](URL)]` expected); used the bare URL".into(),
        );
    }
    let mut badges = item.badges;
    let (venue, venue_year) = venue_and_year(head.other.as_ref(), &venue_text, &mut badges);
    let bibtex = ids::bibtex_facts(&item.bibtex);
    let ids = ids::external_ids(paper.url.as_deref(), &bibtex);
    let year = venue_year.or(item.year_heading).or(bibtex.year);
    let authors = head
        .other
        .and_then(|o| o.authors)
        .or(item.authors)
        .as_deref()
        .map(split_authors)
        .unwrap_or_default();
    parsed.entries.push(RawEntry {
        file: file.to_string(),
        domain: domain.to_string(),
        line,
        number: number_written.or_else(|| item.ordinal.and_then(|n| u32::try_from(n).ok())),
        number_written: number_written.is_some(),
        heading_index: item.heading_index,
        sections: item.sections,
        title,
        venue,
        year,
        authors,
        links: Links {
            paper: paper.url,
            code: item.code,
        },
        badges,
        ids,
        bibtex: bibtex_block(&item.bibtex),
        malformed_links: item.malformed_links,
        // An unclosed link whose URL was used as the paper link is already a reading warning.
        unclosed_links: if paper.from_bare_url {
            Vec::new()
        } else {
            unclosed_links(&item.text)
        },
    });
}

/// The item's [`Head`]: `Ok(None)` when the item is not an entry; `Err` with the reading warning
/// when it looks like an entry of another format that cannot be read.
fn read_head(item: &ItemState) -> Result<Option<Head>, String> {
    let raw_text = item.text.trim_start();
    let head = match item.phase {
        Phase::AfterTitle | Phase::Title => Head {
            title_text: item.title.clone(),
            venue_text: item.venue.clone(),
            broken: false,
            other: None,
        },
        _ if raw_text.starts_with("**") || raw_text.starts_with("__") => {
            let (title_text, venue_text) = split_broken_title(raw_text);
            Head {
                title_text,
                venue_text,
                broken: true,
                other: None,
            }
        }
        _ => match formats::read(
            &item.flat,
            &item.flat_links,
            item.table_row,
            item.badges.len(),
        ) {
            formats::Reading::Entry(other) => Head {
                title_text: other.title.clone(),
                venue_text: String::new(),
                broken: false,
                other: Some(other),
            },
            formats::Reading::NotEntry => return Ok(None),
            formats::Reading::Unreadable(why) => return Err(why),
        },
    };
    Ok(Some(head))
}

/// The number written in front of the title (`[12] Title`), and the title without it, its
/// spaces collapsed and a trailing `,`, `;` or `:` dropped.
fn numbered_title(title_text: &str) -> (Option<u32>, String) {
    let (number, title) = match NUMBERED_TITLE.captures(title_text) {
        Some(caps) => {
            let number = caps.get(1).and_then(|m| m.as_str().parse::<u32>().ok());
            let rest = caps.get(0).map_or(0, |m| m.end());
            (number, &title_text[rest..])
        }
        None => (None, title_text),
    };
    let title = collapse_spaces(title)
        .trim_end_matches([',', ';', ':'])
        .trim()
        .to_string();
    (number, title)
}

/// `**[1] Title, CVPR 2023**`: when no venue follows the bold title, a venue with its year
/// written inside the bold is split off. Returns the title and the venue text.
fn venue_inside_bold(title: String, venue_text: String) -> (String, String) {
    if parse_venue(&venue_text) == (None, None) {
        if let Some((inner_title, inner_venue)) = title.rsplit_once(", ") {
            if matches!(parse_venue(inner_venue), (Some(_), Some(_))) {
                return (inner_title.trim().to_string(), inner_venue.to_string());
            }
        }
    }
    (title, venue_text)
}

/// The venue and its year: from the other format's reading, else from the text after the title.
/// A venue badge (`Conference-NeurIPS'23-blue`, not a method's abbreviation) is removed from
/// `badges` and fills a missing venue.
fn venue_and_year(
    other: Option<&formats::Other>,
    venue_text: &str,
    badges: &mut Vec<Badge>,
) -> (Option<String>, Option<i32>) {
    let (mut venue, mut venue_year) = match other {
        Some(other) => (other.venue.clone(), other.year),
        None => parse_venue(venue_text),
    };
    if let Some(at) = badges.iter().position(|b| venue_badge(&b.label).is_some()) {
        let (badge_venue, badge_year) = venue_badge(&badges[at].label).unwrap_or_default();
        if venue.is_none() {
            venue = badge_venue;
            venue_year = venue_year.or(badge_year);
        }
        badges.remove(at);
    }
    (venue, venue_year)
}

/// The venue of a venue badge (`Conference-NeurIPS'23-blue` reads `Conference NeurIPS'23`):
/// `None` for other badges.
fn venue_badge(label: &str) -> Option<(Option<String>, Option<i32>)> {
    let (kind, rest) = label.split_once(' ')?;
    let kind = kind.to_ascii_lowercase();
    if !matches!(
        kind.as_str(),
        "conference" | "venue" | "journal" | "workshop"
    ) {
        return None;
    }
    let (venue, year) = formats::parse_tag(rest);
    let venue = match kind.as_str() {
        "workshop" => venue.map(|v| format!("{v} Workshop")),
        _ => venue,
    };
    Some((venue, year))
}

/// The BibTeX block of an entry, trimmed, when it starts with an `@type{` entry; the reader of
/// `references.bib` gets the list's own entry rather than one rebuilt from Semantic Scholar.
fn bibtex_block(raw: &str) -> Option<String> {
    let text = raw.trim();
    let starts_entry = text.starts_with('@') && text.contains('{');
    starts_entry.then(|| text.to_string())
}

/// `**[3] Title, Venue 2024` with the closing `**` missing: the title runs to the closing `**` if
/// one comes later on the line, else to the last comma.
fn split_broken_title(raw: &str) -> (String, String) {
    let first_line = raw.lines().next().unwrap_or_default();
    let body = first_line.trim_start_matches(['*', '_']);
    if let Some((title, rest)) = body.split_once("**") {
        return (title.to_string(), rest.to_string());
    }
    match body.rsplit_once(", ") {
        Some((title, venue)) if YEAR.is_match(venue) => (title.to_string(), venue.to_string()),
        _ => (body.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::markdown::parse_test_file as parse;

    #[test]
    fn year_falls_back_to_heading_then_bibtex() {
        let text = "## 2022\n\n- **[1] A**, Workshop.\n  [[Paper](https://arxiv.org/abs/2201.00001)]\n- **[2] B**, Workshop.\n  [[Paper](https://arxiv.org/abs/2201.00002)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries[0].year, Some(2022));
        assert_eq!(parsed.entries[0].venue.as_deref(), Some("Workshop"));
        let text = "- **[1] A**, Workshop.\n  [[Paper](https://x.org/a.pdf)]\n\n  ```\n  @article{a, year = {2019}}\n  ```\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries[0].year, Some(2019));
    }

    #[test]
    fn broken_bold_title_is_kept_with_a_warning() {
        let text = "- **[3] Broken title, arXiv 2024\n  [[Paper](https://arxiv.org/abs/2309.10922] ![](https://img.shields.io/badge/Token_Pruning-orange)\n- **[4] Fine**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2309.10923)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries.len(), 2, "{:?}", parsed.entries);
        let broken = &parsed.entries[0];
        assert_eq!(broken.title, "Broken title");
        assert_eq!(broken.number, Some(3));
        assert_eq!(broken.year, Some(2024));
        assert_eq!(broken.ids.arxiv.as_deref(), Some("2309.10922"));
        assert_eq!(parsed.warnings.len(), 2, "{:?}", parsed.warnings);
        assert!(parsed.warnings.iter().all(|w| w.line == Some(1)));
        assert!(parsed.warnings[0].message.contains("not closed"));
        assert!(parsed.warnings[1].message.contains("bare URL"));
    }

    #[test]
    fn ordered_lists_and_linked_titles() {
        let text = "3. **[Linked Title](https://openreview.net/forum?id=abc)**, ICLR 2024. ![](https://img.shields.io/badge/X-blue)\n4. **Other**, ICLR 2024. [PDF](https://example.org/p.pdf)\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].number, Some(3));
        assert!(!parsed.entries[0].number_written);
        assert_eq!(parsed.entries[0].title, "Linked Title");
        assert_eq!(parsed.entries[0].ids.openreview.as_deref(), Some("abc"));
        assert_eq!(parsed.entries[1].number, Some(4));
        assert_eq!(
            parsed.entries[1].links.paper.as_deref(),
            Some("https://example.org/p.pdf")
        );
    }

    #[test]
    fn titles_keep_brackets_and_dollars() {
        let text = "- **[26] [CLS] Attention $ L_2 $ Norm**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2412.01818)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries[0].title, "[CLS] Attention $ L_2 $ Norm");
        assert_eq!(parsed.entries[0].number, Some(26));
    }

    #[test]
    fn venue_on_the_links_line_stops_before_the_links() {
        let parsed = parse("- **[1] DynamicViT**, NeurIPS 2021. [[Paper](https://arxiv.org/abs/2106.02034)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n");
        assert_eq!(parsed.entries[0].venue.as_deref(), Some("NeurIPS"));
        assert_eq!(parsed.entries[0].year, Some(2021));
    }
}
