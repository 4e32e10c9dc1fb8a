//! The italic authors line of an entry, in the two styles the lists write.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::badges::collapse_spaces;

static AND_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r",?\s+and\s+").expect("literal regex, unit-tested"));

/// The italic authors line, in either style the lists use: BibTeX (`Bolya, Daniel and Hoffman,
/// Judy.`) or plain (`Daniel Bolya, Judy Hoffman`). Names come out as `First Last`; `others` and
/// `et al.` are dropped.
pub fn split_authors(raw: &str) -> Vec<String> {
    let text = collapse_spaces(raw);
    let text = text.trim().trim_end_matches('.').trim();
    let text = text
        .strip_suffix("et al")
        .or_else(|| text.strip_suffix("et al."))
        .unwrap_or(text)
        .trim()
        .trim_end_matches(',');
    let parts: Vec<&str> = AND_SEPARATOR
        .split(text)
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("others"))
        .collect();
    // BibTeX style when most `and`-separated parts are `Last, First`; a part that is not (a typo
    // such as `Liu, Tingwen an Wang, Shuohuan`) is kept as written rather than guessed at.
    let last_first = parts.iter().filter(|p| p.matches(',').count() == 1).count();
    let bibtex_style = parts.len() > 1 && last_first * 2 > parts.len();
    let names: Vec<String> = if bibtex_style {
        parts
            .iter()
            .map(|p| match p.matches(',').count() {
                1 => reorder_last_first(p),
                _ => p.to_string(),
            })
            .collect()
    } else {
        let pieces: Vec<&str> = parts
            .iter()
            .flat_map(|p| p.split(','))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        match pieces.as_slice() {
            // "Zhu, Wentao" is one author written last name first.
            [last, first] if parts.len() == 1 && !last.contains(' ') => {
                vec![format!("{first} {last}")]
            }
            _ => pieces.iter().map(|p| p.to_string()).collect(),
        }
    };
    names
        .into_iter()
        .map(|n| {
            n.trim_matches(|c: char| c == '.' || c == ',' || c.is_whitespace())
                .to_string()
        })
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("others"))
        .collect()
}

fn reorder_last_first(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => name.replace(',', "").trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_in_both_styles() {
        assert_eq!(
            split_authors("Bolya, Daniel and Hoffman, Judy."),
            ["Daniel Bolya", "Judy Hoffman"]
        );
        assert_eq!(split_authors("Zhu, Wentao."), ["Wentao Zhu"]);
        assert_eq!(
            split_authors("Singh, Manish Kumar et al."),
            ["Manish Kumar Singh"]
        );
        assert_eq!(
            split_authors("Adria Recasens, Petr Kellnhofer, and Antonio Torralba."),
            ["Adria Recasens", "Petr Kellnhofer", "Antonio Torralba"]
        );
        assert_eq!(
            split_authors("Jinming Lou and Wenyang Luo and Yufan Liu."),
            ["Jinming Lou", "Wenyang Luo", "Yufan Liu"]
        );
        assert_eq!(
            split_authors("Jiang, Huiqiang  and Wu, Qianhui  and others"),
            ["Huiqiang Jiang", "Qianhui Wu"]
        );
        assert_eq!(
            split_authors("Daniel Bolya, Cheng-Yang Fu"),
            ["Daniel Bolya", "Cheng-Yang Fu"]
        );
        assert_eq!(
            split_authors("Zhang, Zhenyu  and Liu, Tingwen  an Wang, Shuohuan  and  Sun, Yu"),
            ["Zhenyu Zhang", "Liu, Tingwen an Wang, Shuohuan", "Yu Sun"]
        );
        assert!(split_authors("").is_empty());
        assert!(split_authors(" , and , ").is_empty());
    }
}
