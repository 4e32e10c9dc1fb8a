//! `digest.md`: the digest for a person. The one-line summary comes first (an issue title or a
//! chat message can take it as is), then the new in-scope papers as paste-ready entries in the
//! list's own format (the same entries `suggestions.md` writes), then each other section, one
//! function a section, in the order [`to_markdown`] calls them.

use std::fmt::Write as _;

use super::{Digest, NewCiting, RankChangeKind};
use crate::analysis::{Analysis, MissingKind, MissingPaper};
use crate::render::{escape, labels, suggestions};

/// Other new citing papers listed by name (all are in `digest.json`).
const OTHERS_SHOWN: usize = 50;

/// The Markdown of `digest`; `new` is the later run (for the entries' evidence labels and the
/// candidates' authors and links).
pub fn to_markdown(digest: &Digest, new: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", digest.summary);
    out.push_str("# What changed since the previous citegraph run\n");
    new_in_scope(&mut out, digest, new);
    other_new_citing(&mut out, digest);
    newly_missing(&mut out, digest);
    rank_changes(&mut out, digest);
    venue_changes(&mut out, digest);
    new_lint(&mut out, digest);
    newly_unresolved(&mut out, digest);
    catalog_changes(&mut out, digest);
    out
}

/// The new in-scope citing papers: paste-ready entries for the candidates, then the others by
/// name.
fn new_in_scope(out: &mut String, digest: &Digest, new: &Analysis) {
    let in_scope: Vec<&NewCiting> = digest.new_citing.iter().filter(|p| p.in_scope).collect();
    let _ = write!(
        out,
        "\n## New in-scope papers citing the list ({})\n\n",
        in_scope.len()
    );
    // Paste-ready entries need the candidate's row (authors, link, evidence); an in-scope paper
    // beyond missing.csv's --missing-limit rows has none, and is named below the entries.
    let (entries, bare): (Vec<&NewCiting>, Vec<&NewCiting>) =
        in_scope.iter().partition(|p| p.candidate);
    if in_scope.is_empty() {
        out.push_str("None.\n");
    }
    if !entries.is_empty() {
        out.push_str(
            "Each entry is in the list's own format, most important first: check it, paste it \
             under the right section and renumber. The comment under it says why.\n",
        );
        // One view of the new analysis names the evidence of every entry (its key index).
        let options = crate::render::RenderOptions::default();
        let view = crate::render::View::new(new, &options);
        let rows = entries.iter().filter_map(|p| candidate_row(p, new));
        for (index, row) in rows.enumerate() {
            out.push('\n');
            out.push_str(&suggestions::entry_markdown(&view, index + 1, row));
        }
    }
    if !bare.is_empty() {
        out.push_str(
            "\nAlso in scope, beyond the rows missing.csv keeps (--missing-limit), so without an \
             entry:\n\n",
        );
        for paper in &bare {
            let _ = writeln!(
                out,
                "- {}{}: cites {} catalogue papers, <https://www.semanticscholar.org/paper/{}>",
                title(&paper.title),
                year(paper.year),
                paper.catalog_papers,
                escape::url_safe(&paper.paper_id)
            );
        }
    }
}

/// The other new citing papers, the first [`OTHERS_SHOWN`] by name (no section when none).
fn other_new_citing(out: &mut String, digest: &Digest) {
    let others: Vec<&NewCiting> = digest.new_citing.iter().filter(|p| !p.in_scope).collect();
    if others.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "\n## Other new papers citing the list ({})\n\n",
        others.len()
    );
    for paper in others.iter().take(OTHERS_SHOWN) {
        let _ = writeln!(
            out,
            "- {}{}: cites {} catalogue paper{}{}",
            title(&paper.title),
            year(paper.year),
            paper.catalog_papers,
            if paper.catalog_papers == 1 { "" } else { "s" },
            paper
                .scope
                .map(|s| format!(", scope {}", escape::markdown(s.as_str())))
                .unwrap_or_default()
        );
    }
    if others.len() > OTHERS_SHOWN {
        let _ = writeln!(
            out,
            "- and {} more (see digest.json)",
            others.len() - OTHERS_SHOWN
        );
    }
}

fn newly_missing(out: &mut String, digest: &Digest) {
    section(out, "Newly missing papers", digest.newly_missing.len());
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
        let _ = writeln!(
            out,
            "- {kind} #{} ({was}): {}{}, {} catalogue papers, predicted {}",
            m.rank,
            title(&m.title),
            year(m.year),
            m.catalog_papers,
            escape::markdown(&m.predicted_mechanism)
        );
    }
}

fn rank_changes(out: &mut String, digest: &Digest) {
    section(out, "Influence ranks", digest.rank_changes.len());
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
        let _ = writeln!(out, "- `{}` {}: {what}", code(&r.key), title(&r.title));
    }
}

fn venue_changes(out: &mut String, digest: &Digest) {
    section(
        out,
        "Venue or year changed (update the list's entry)",
        digest.venue_changes.len(),
    );
    for v in &digest.venue_changes {
        let show = venue_and_year;
        let _ = writeln!(
            out,
            "- `{}` {}: {} -> **{}**",
            code(&v.key),
            title(&v.title),
            show(&v.old_venue, v.old_year),
            show(&v.new_venue, v.new_year)
        );
    }
}

fn new_lint(out: &mut String, digest: &Digest) {
    section(out, "New lint findings", digest.new_lint.len());
    for l in &digest.new_lint {
        let place = match (&l.file, l.line) {
            (Some(file), Some(line)) => format!("{}:{line}: ", escape::markdown(file)),
            (Some(file), None) => format!("{}: ", escape::markdown(file)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "- {place}{} ({})",
            escape::markdown(&labels::one_line(&l.message)),
            escape::markdown(l.kind.as_str())
        );
    }
}

fn newly_unresolved(out: &mut String, digest: &Digest) {
    section(out, "No longer resolved", digest.newly_unresolved.len());
    for u in &digest.newly_unresolved {
        let _ = writeln!(
            out,
            "- `{}` {}: {}",
            code(&u.key),
            title(&u.title),
            escape::markdown(u.note.as_deref().unwrap_or("no reason given"))
        );
    }
}

fn catalog_changes(out: &mut String, digest: &Digest) {
    let changes = digest.catalog_added.len() + digest.catalog_removed.len();
    section(out, "Catalogue changes", changes);
    for (sign, list) in [
        ("added", &digest.catalog_added),
        ("removed", &digest.catalog_removed),
    ] {
        for c in list {
            let _ = writeln!(
                out,
                "- {sign}: `{}` {}{}{}",
                code(&c.key),
                title(&c.title),
                year(c.year),
                if c.resolved { "" } else { " (unresolved)" }
            );
        }
    }
}

fn section(out: &mut String, heading: &str, count: usize) {
    let _ = write!(out, "\n## {heading} ({count})\n\n");
    if count == 0 {
        out.push_str("None.\n");
    }
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
    use super::venue_and_year;

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
