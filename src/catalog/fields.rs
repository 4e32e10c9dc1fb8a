//! Fields of an entry that every list format writes the same way: the venue with its year, and
//! which links point at papers. Shared by [`super::markdown`] and [`super::formats`].

use std::sync::LazyLock;

use regex::Regex;

use super::badges::collapse_spaces;
use super::ids;

/// A year of the 20th or 21st century, as a word.
pub static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:19|20)\d{2})\b").expect("literal regex, unit-tested"));

/// A host whose links are papers, for bare URLs and unlabelled links.
pub fn looks_like_paper(url: &str) -> bool {
    ids::arxiv_from_url(url).is_some()
        || ids::doi_from_url(url).is_some()
        || ids::acl_from_url(url).is_some()
        || ids::openreview_from_url(url).is_some()
        || url.to_ascii_lowercase().ends_with(".pdf")
}

/// `, NeurIPS 2021.` gives venue `NeurIPS` and year 2021.
pub fn parse_venue(raw: &str) -> (Option<String>, Option<i32>) {
    let text = collapse_spaces(raw);
    let text = text
        .trim_start_matches(|c: char| {
            c == ',' || c == ';' || c == ':' || c == '-' || c.is_whitespace()
        })
        // `NeurIPS 2021. [[Paper](...)]` on one line: the `[` before the link is not the venue's.
        .trim_end_matches(|c: char| {
            matches!(c, '.' | ',' | ';' | '[' | '(' | '|') || c.is_whitespace()
        });
    let year_match = YEAR.find_iter(text).last();
    let year = year_match.and_then(|m| m.as_str().parse().ok());
    let name = match year_match {
        Some(m) if text[m.end()..].trim().is_empty() => &text[..m.start()],
        _ => text,
    };
    let name = name.trim_end_matches(|c: char| c == ',' || c == '-' || c.is_whitespace());
    let name = (!name.is_empty()).then(|| name.to_string());
    (name, year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venues() {
        assert_eq!(
            parse_venue(", NeurIPS 2021."),
            (Some("NeurIPS".into()), Some(2021))
        );
        assert_eq!(
            parse_venue(",  ICML  2021  "),
            (Some("ICML".into()), Some(2021))
        );
        assert_eq!(
            parse_venue(", Findings of EMNLP 2024."),
            (Some("Findings of EMNLP".into()), Some(2024))
        );
        assert_eq!(
            parse_venue(" Interspeech 2024"),
            (Some("Interspeech".into()), Some(2024))
        );
        assert_eq!(
            parse_venue(", OpenReview."),
            (Some("OpenReview".into()), None)
        );
        assert_eq!(parse_venue(""), (None, None));
        assert_eq!(
            parse_venue(", NeurIPS 2021. ["),
            (Some("NeurIPS".into()), Some(2021))
        );
        assert_eq!(parse_venue(", 2023"), (None, Some(2023)));
    }
}
