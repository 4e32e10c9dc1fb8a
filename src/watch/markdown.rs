//! `digest.md`: the digest for a person. The one-line summary comes first (an issue title or a
//! chat message can take it as is), then one section a kind of change, most important first (the
//! order [`to_markdown`] lists them in), one function a section.
//!
//! The file fits a budget of characters (GitHub's issue body limit, less a margin for what the
//! workflow adds: [`super::DIGEST_MAX_CHARS`]). Each section is a heading and whole items (an entry,
//! a list item: never half of one), most important first; when everything does not fit, [`fit`]
//! keeps every section's first [`super::FIRST_ITEMS_PER_SECTION`] items, then gives the rest of
//! the room to the sections in order, and a cut section ends with "And N more in digest.json".
//! `digest.json` always holds everything.

use std::fmt::Write as _;

use super::{Digest, NewCiting, RankChangeKind};
use crate::analysis::{Analysis, MissingKind, MissingPaper};
use crate::render::{escape, labels, suggestions};

/// Other new citing papers listed by name (all are in `digest.json`).
const OTHERS_SHOWN: usize = 50;

/// One section of `digest.md` as the budget sees it.
struct Section {
    /// The heading (with the section's full count) and "None." when it has no items: always
    /// written.
    head: String,
    /// Whole Markdown blocks, most important first; an introducing paragraph is part of the
    /// first item it introduces, so it is never written without one.
    items: Vec<String>,
    /// Items shown at most, however much room there is.
    cap: usize,
    /// Where `digest.json` holds the items (its keys).
    json_keys: &'static [&'static str],
}

impl Section {
    fn new(heading: &str, count: usize, json_keys: &'static [&'static str]) -> Section {
        let mut head = format!("\n## {heading} ({count})\n\n");
        if count == 0 {
            head.push_str("None.\n");
        }
        Section {
            head,
            items: Vec::new(),
            cap: usize::MAX,
            json_keys,
        }
    }

    /// Items shown when nothing is cut for room.
    fn shown_in_full(&self) -> usize {
        self.items.len().min(self.cap)
    }
}

/// The Markdown of `digest`: the summary, then the sections most important first, which is the
/// order they are written in and given room in: new in-scope papers citing the list (paste-ready
/// entries: the digest's purpose), papers no longer resolved (an entry broke), records that moved
/// on Semantic Scholar (when any: merged or no longer returned), newly missing papers (the top of
/// `missing.csv`), venue or year changes (an entry to update), new lint
/// findings, catalogue changes (what the maintainers did; removals first, to catch a mistake),
/// influence ranks, cluster changes (when the runs hold papers), and other new citing papers
/// (out of scope). At most `max_chars` characters
/// (Unicode scalar values, as GitHub counts an issue body; see [`fit`]); `new` is the later run
/// (for the entries' evidence labels and the candidates' authors and links).
pub fn to_markdown(digest: &Digest, new: &Analysis, max_chars: usize) -> String {
    let preamble = format!(
        "{}\n\n# What changed since the previous citegraph run\n",
        digest.summary
    );
    let sections: Vec<Section> = [
        Some(new_in_scope(digest, new)),
        Some(newly_unresolved(digest)),
        records_moved(digest),
        Some(newly_missing(digest)),
        Some(venue_changes(digest)),
        Some(new_lint(digest)),
        Some(catalog_changes(digest)),
        Some(rank_changes(digest)),
        cluster_changes(digest),
        other_new_citing(digest),
    ]
    .into_iter()
    .flatten()
    .collect();
    let shown = fit(&preamble, &sections, max_chars);
    render(&preamble, &sections, &shown, max_chars)
}

/// `digest.md` with the first `shown[i]` items of section `i`: a cut section ends with its
/// [`more_line`], and when room (not a section's cap) cut anything, the [`closing_line`] ends
/// the file.
fn render(preamble: &str, sections: &[Section], shown: &[usize], max_chars: usize) -> String {
    let mut out = preamble.to_string();
    let (mut hidden, mut cut_for_room) = (0, false);
    for (section, &count) in sections.iter().zip(shown) {
        out.push_str(&section.head);
        for item in &section.items[..count] {
            out.push_str(item);
        }
        let more = section.items.len() - count;
        if more > 0 {
            out.push_str(&more_line(more, section.json_keys));
        }
        hidden += more;
        cut_for_room |= count < section.shown_in_full();
    }
    if cut_for_room {
        out.push_str(&closing_line(hidden, max_chars));
    }
    out
}

/// The line that ends a cut section.
fn more_line(more: usize, json_keys: &[&str]) -> String {
    format!(
        "\nAnd {more} more in digest.json (`{}`).\n",
        json_keys.join("`, `")
    )
}

/// The line that ends a digest cut for room.
fn closing_line(hidden: usize, max_chars: usize) -> String {
    format!(
        "\ndigest.md is cut to {max_chars} characters to fit a GitHub issue, the most important \
         changes first: {} left out here, and digest.json has every change.\n",
        crate::text::count_as(hidden, "item is", "items are")
    )
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// How many items of each section `digest.md` shows within `max_chars` characters. Everything,
/// when it fits. Otherwise the preamble, every heading, every section's [`more_line`] and the
/// [`closing_line`] are set aside first (at their longest, so the total never exceeds the
/// budget), then every section in turn gets its first [`super::FIRST_ITEMS_PER_SECTION`] items
/// (a few unresolved entries are not crowded out by hundreds of new papers), then the sections in
/// turn get the rest of the room; a section's items are a prefix, so an item that does not fit
/// ends its section. Only a budget smaller than the headings themselves gives a longer file
/// (the command line refuses such a budget: [`super::MIN_DIGEST_CHARS`]).
fn fit(preamble: &str, sections: &[Section], max_chars: usize) -> Vec<usize> {
    let full: Vec<usize> = sections.iter().map(Section::shown_in_full).collect();
    if chars(&render(preamble, sections, &full, max_chars)) <= max_chars {
        return full;
    }
    let all_items: usize = sections.iter().map(|s| s.items.len()).sum();
    let set_aside = chars(preamble)
        + sections
            .iter()
            .map(|s| chars(&s.head) + chars(&more_line(s.items.len(), s.json_keys)))
            .sum::<usize>()
        + chars(&closing_line(all_items, max_chars));
    let mut room = max_chars.saturating_sub(set_aside);
    let mut shown = vec![0; sections.len()];
    for pass_limit in [super::FIRST_ITEMS_PER_SECTION, usize::MAX] {
        for (index, section) in sections.iter().enumerate() {
            let limit = full[index].min(pass_limit);
            while shown[index] < limit {
                let cost = chars(&section.items[shown[index]]);
                if cost > room {
                    break;
                }
                room -= cost;
                shown[index] += 1;
            }
        }
    }
    shown
}

/// The new in-scope citing papers: paste-ready entries for the candidates, then the others by
/// name.
fn new_in_scope(digest: &Digest, new: &Analysis) -> Section {
    let in_scope: Vec<&NewCiting> = digest.new_citing.iter().filter(|p| p.in_scope).collect();
    let mut section = Section::new(
        "New in-scope papers citing the list",
        in_scope.len(),
        &["new_citing"],
    );
    // Paste-ready entries need the candidate's row (authors, link, evidence); an in-scope paper
    // beyond missing.csv's --missing-limit rows has none, and is named below the entries.
    let (entries, bare): (Vec<&NewCiting>, Vec<&NewCiting>) =
        in_scope.iter().partition(|p| p.candidate);
    // One view of the new analysis names the evidence of every entry (its key index).
    let options = crate::render::RenderOptions::default();
    let view = crate::render::View::new(new, &options);
    let rows = entries.iter().filter_map(|p| candidate_row(p, new));
    for (index, row) in rows.enumerate() {
        let mut item = String::new();
        if index == 0 {
            item.push_str(
                "Each entry is in the list's own format, most important first: check it, paste \
                 it under the right section and renumber. The comment under it says why.\n",
            );
        }
        item.push('\n');
        item.push_str(&suggestions::entry_markdown(&view, index + 1, row));
        section.items.push(item);
    }
    for (index, paper) in bare.iter().enumerate() {
        let mut item = String::new();
        if index == 0 {
            item.push_str(
                "\nAlso in scope, beyond the rows missing.csv keeps (--missing-limit), so \
                 without an entry:\n\n",
            );
        }
        let _ = writeln!(
            item,
            "- {}{}: cites {} catalogue papers, <https://www.semanticscholar.org/paper/{}>",
            title(&paper.title),
            year(paper.year),
            paper.catalog_papers,
            escape::url_safe(&paper.paper_id)
        );
        section.items.push(item);
    }
    section
}

/// The other new citing papers, the first [`OTHERS_SHOWN`] by name (no section when none).
fn other_new_citing(digest: &Digest) -> Option<Section> {
    let others: Vec<&NewCiting> = digest.new_citing.iter().filter(|p| !p.in_scope).collect();
    if others.is_empty() {
        return None;
    }
    let mut section = Section::new(
        "Other new papers citing the list",
        others.len(),
        &["new_citing"],
    );
    section.cap = OTHERS_SHOWN;
    for paper in others {
        section.items.push(format!(
            "- {}{}: cites {} catalogue paper{}{}\n",
            title(&paper.title),
            year(paper.year),
            paper.catalog_papers,
            if paper.catalog_papers == 1 { "" } else { "s" },
            paper
                .scope
                .map(|s| format!(", scope {}", escape::markdown(s.as_str())))
                .unwrap_or_default()
        ));
    }
    Some(section)
}

fn newly_missing(digest: &Digest) -> Section {
    let mut section = Section::new(
        "Newly missing papers",
        digest.newly_missing.len(),
        &["newly_missing"],
    );
    for m in &digest.newly_missing {
        let kind = match m.kind {
            MissingKind::Candidate => "candidate",
            MissingKind::Foundation => "foundation",
        };
        let was = match (&m.removed_from_catalog, m.old_rank) {
            (Some(key), _) => format!("removed from the list since, was `{}`", code(key)),
            (None, Some(r)) => format!("was #{r}"),
            (None, None) => "new".to_string(),
        };
        section.items.push(format!(
            "- {kind} #{} ({was}): {}{}, {} catalogue papers, predicted {}\n",
            m.rank,
            title(&m.title),
            year(m.year),
            m.catalog_papers,
            escape::markdown(&m.predicted_mechanism)
        ));
    }
    section
}

/// The communities that split, merged, appeared, dissolved or were renamed, after a line on how
/// the two runs agree (no section when a run holds no paper).
fn cluster_changes(digest: &Digest) -> Option<Section> {
    let agreement = digest.community_agreement.as_ref()?;
    let mut section = Section::new(
        "Clusters",
        digest.cluster_changes.len(),
        &["cluster_changes", "community_agreement"],
    );
    for (index, change) in digest.cluster_changes.iter().enumerate() {
        let mut item = String::new();
        if index == 0 {
            let _ = writeln!(
                item,
                "Of the pairs of catalogue papers either run puts in one cluster, {:.1} % are \
                 together in both (co-assignment agreement over {} papers; adjusted Rand {:.3}). \
                 Numbers are those of each run's clusters.csv.\n",
                100.0 * agreement.co_assignment,
                agreement.shared_catalog_papers,
                agreement.adjusted_rand
            );
        }
        item.push_str(&super::clusters::change_line(change));
        section.items.push(item);
    }
    Some(section)
}

fn rank_changes(digest: &Digest) -> Section {
    let mut section = Section::new(
        "Influence ranks",
        digest.rank_changes.len(),
        &["rank_changes"],
    );
    for r in &digest.rank_changes {
        let rank = |r: Option<usize>| r.map_or("-".to_string(), |r| format!("#{r}"));
        let what = match r.change {
            RankChangeKind::EnteredTop => format!(
                "entered the top {} ({} -> {})",
                super::TOP_INFLUENCE,
                rank(r.old_rank),
                rank(r.new_rank)
            ),
            RankChangeKind::LeftTop => format!(
                "left the top {} ({} -> {})",
                super::TOP_INFLUENCE,
                rank(r.old_rank),
                rank(r.new_rank)
            ),
            RankChangeKind::PagerankMove => format!(
                "share of the catalogue's PageRank {:+.0} %",
                r.pagerank_share_change.unwrap_or(0.0) * 100.0
            ),
        };
        section.items.push(format!(
            "- `{}` {}: {what}\n",
            code(&r.key),
            title(&r.title)
        ));
    }
    section
}

fn venue_changes(digest: &Digest) -> Section {
    let mut section = Section::new(
        "Venue or year changed (update the list's entry)",
        digest.venue_changes.len(),
        &["venue_changes"],
    );
    for v in &digest.venue_changes {
        let show = venue_and_year;
        section.items.push(format!(
            "- `{}` {}: {} -> **{}**\n",
            code(&v.key),
            title(&v.title),
            show(&v.old_venue, v.old_year),
            show(&v.new_venue, v.new_year)
        ));
    }
    section
}

fn new_lint(digest: &Digest) -> Section {
    let mut section = Section::new("New lint findings", digest.new_lint.len(), &["new_lint"]);
    for l in &digest.new_lint {
        let place = match (&l.file, l.line) {
            (Some(file), Some(line)) => format!("{}:{line}: ", escape::markdown(file)),
            (Some(file), None) => format!("{}: ", escape::markdown(file)),
            _ => String::new(),
        };
        section.items.push(format!(
            "- {place}{} ({})\n",
            escape::markdown(&labels::one_line(&l.message)),
            escape::markdown(l.kind.as_str())
        ));
    }
    section
}

fn newly_unresolved(digest: &Digest) -> Section {
    let mut section = Section::new(
        "No longer resolved",
        digest.newly_unresolved.len(),
        &["newly_unresolved"],
    );
    for u in &digest.newly_unresolved {
        section.items.push(format!(
            "- `{}` {}: {}\n",
            code(&u.key),
            title(&u.title),
            escape::markdown(u.note.as_deref().unwrap_or("no reason given"))
        ));
    }
    section
}

/// Records Semantic Scholar merged into another (followed: the new record's citers are in the
/// sections above) or no longer returns (analysed as last known), when there are any: vanished
/// ones first (a record to check), then the moves.
fn records_moved(digest: &Digest) -> Option<Section> {
    let count = digest.records_moved.len() + digest.records_vanished.len();
    if count == 0 {
        return None;
    }
    let mut section = Section::new(
        "Records that moved on Semantic Scholar",
        count,
        &["records_vanished", "records_moved"],
    );
    for v in &digest.records_vanished {
        let keys: Vec<String> = v.keys.iter().map(|k| format!("`{}`", code(k))).collect();
        section.items.push(format!(
            "- {} {}: record `{}` no longer returned by Semantic Scholar since {} (nor found by its ids or title); its last known record is analysed\n",
            keys.join(", "),
            title(&v.title),
            code(&v.paper_id),
            escape::markdown(&v.since)
        ));
    }
    for m in &digest.records_moved {
        let what = if m.merged {
            "records merged by Semantic Scholar"
        } else {
            "resolves to another record"
        };
        section.items.push(format!(
            "- `{}` {}: {what}: `{}` -> `{}`\n",
            code(&m.key),
            title(&m.title),
            code(&m.old_paper_id),
            code(&m.new_paper_id)
        ));
    }
    Some(section)
}

/// Removals first: a paper dropped by mistake is the change to catch.
fn catalog_changes(digest: &Digest) -> Section {
    let changes = digest.catalog_added.len() + digest.catalog_removed.len();
    let mut section = Section::new(
        "Catalogue changes",
        changes,
        &["catalog_removed", "catalog_added"],
    );
    for (sign, list) in [
        ("removed", &digest.catalog_removed),
        ("added", &digest.catalog_added),
    ] {
        for c in list {
            section.items.push(format!(
                "- {sign}: `{}` {}{}{}\n",
                code(&c.key),
                title(&c.title),
                year(c.year),
                if c.resolved { "" } else { " (unresolved)" }
            ));
        }
    }
    section
}

fn title(text: &str) -> String {
    format!("**{}**", escape::markdown(&labels::one_line(text)))
}

fn year(year: Option<i32>) -> String {
    year.map(|y| format!(" ({y})")).unwrap_or_default()
}

/// Text inside a code span: backticks would end it.
fn code(text: &str) -> String {
    labels::one_line(text).replace('`', "'")
}

/// The candidate's own row of `missing` (authors, link, evidence).
fn candidate_row<'a>(paper: &NewCiting, new: &'a Analysis) -> Option<&'a MissingPaper> {
    new.missing
        .iter()
        .find(|m| m.kind == MissingKind::Candidate && m.paper_id == paper.paper_id)
}

/// "Venue Year" as the digest shows a venue change; a venue string that already ends with its
/// year ("ICLR 2025") is not given it twice.
fn venue_and_year(venue: &Option<String>, year: Option<i32>) -> String {
    let venue = venue.as_deref().map_or("no venue".to_string(), |v| {
        escape::markdown(&labels::one_line(v))
    });
    match year {
        Some(y) if !venue.ends_with(&y.to_string()) => format!("{venue} {y}"),
        _ => venue,
    }
}

#[cfg(test)]
mod tests {
    use super::{chars, fit, render, venue_and_year, Section};

    /// Section `name` with `items` items of about `size` characters each (non-ASCII, so that a
    /// byte count would differ).
    fn section(name: &str, items: usize, size: usize) -> Section {
        let mut section = Section::new(name, items, &["new_citing"]);
        section.items = (0..items)
            .map(|n| format!("- {name} {n} {}\n", "é".repeat(size)))
            .collect();
        section
    }

    fn markdown(sections: &[Section], max_chars: usize) -> (String, Vec<usize>) {
        let shown = fit("Summary.\n", sections, max_chars);
        (render("Summary.\n", sections, &shown, max_chars), shown)
    }

    #[test]
    fn a_digest_that_fits_is_whole_and_one_character_less_cuts_it() {
        let sections = [section("a", 30, 40), section("b", 10, 40)];
        let (whole, shown) = markdown(&sections, usize::MAX);
        assert_eq!(shown, [30, 10]);
        assert!(!whole.contains("more in digest.json"));
        let length = chars(&whole);
        assert!(length < whole.len(), "counted in characters, not bytes");
        assert_eq!(markdown(&sections, length).0, whole);
        let (cut, shown) = markdown(&sections, length - 1);
        assert!(chars(&cut) < length, "{}", chars(&cut));
        assert!(shown[0] < 30 || shown[1] < 10, "{shown:?}");
        let more = 40 - shown[0] - shown[1];
        assert!(cut.contains(&format!("{more} items are left out")), "{cut}");
    }

    #[test]
    fn every_section_keeps_its_first_items_then_the_first_gets_the_room() {
        let sections = [
            section("new", 500, 300),
            section("unresolved", 3, 60),
            section("ranks", 40, 60),
        ];
        let (md, shown) = markdown(&sections, 20_000);
        assert!(chars(&md) <= 20_000, "{}", chars(&md));
        assert_eq!(shown[1], 3, "a small section is not crowded out");
        // Its first items, and what little room the first section's next item left.
        assert!(
            (super::super::FIRST_ITEMS_PER_SECTION..40).contains(&shown[2]),
            "{shown:?}"
        );
        assert!(shown[0] > 40, "{shown:?}");
        // Prefixes: the first items of each section, and the right counts of the rest.
        assert!(md.contains("- new 0 "));
        assert!(md.contains(&format!("- new {} ", shown[0] - 1)));
        assert!(!md.contains(&format!("- new {} ", shown[0])));
        assert!(md.contains(&format!(
            "\nAnd {} more in digest.json (`new_citing`).\n",
            500 - shown[0]
        )));
        assert!(md.contains(&format!(
            "\nAnd {} more in digest.json (`new_citing`).\n",
            40 - shown[2]
        )));
        // Within a few items of the budget: the room is used.
        assert!(chars(&md) > 20_000 - 400, "{}", chars(&md));
    }

    #[test]
    fn an_item_larger_than_the_budget_is_left_out_whole() {
        let sections = [section("huge", 2, 50_000), section("small", 2, 10)];
        let (md, shown) = markdown(&sections, 4_000);
        assert_eq!(shown, [0, 2]);
        assert!(chars(&md) <= 4_000);
        assert!(md.contains("\nAnd 2 more in digest.json (`new_citing`).\n"));
    }

    #[test]
    fn a_venue_with_its_year_is_not_given_it_twice() {
        assert_eq!(
            venue_and_year(&Some("CVPR".into()), Some(2025)),
            "CVPR 2025"
        );
        assert_eq!(
            venue_and_year(&Some("ICLR 2025".into()), Some(2025)),
            "ICLR 2025"
        );
        assert_eq!(venue_and_year(&None, None), "no venue");
    }
}
