//! Short labels for papers, shared by the graph exports, the report and the tables, so the same
//! paper reads the same everywhere: its method abbreviation (the catalogue's blue badge) when it
//! has one, else a short form of its title.

/// Collapses every run of whitespace (line breaks included) into one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A title cut to at most `max_chars` characters at a word boundary, with `…` when cut. A title of
/// the form `Name: what it does` becomes `Name` when the name is short, as a survey would cite it.
pub fn short_title(title: &str, max_chars: usize) -> String {
    let title = one_line(title);
    if let Some((head, _)) = title.split_once(": ") {
        let head = head.trim();
        if !head.is_empty() && head.chars().count() <= max_chars.min(30) {
            return head.to_string();
        }
    }
    truncate(&title, max_chars)
}

/// Cuts `text` to at most `max_chars` characters, at the last space when there is one in the
/// second half, ending with `…` when anything was cut.
pub fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    // One character is kept for the ellipsis; a space right after the cut still counts as a
    // word boundary, hence the window of max_chars.
    let window: String = text.chars().take(max_chars).collect();
    let cut: String = match window.rfind(' ') {
        Some(space) if window[..space].chars().count() >= max_chars / 2 => window[..space].into(),
        _ => window.chars().take(max_chars.saturating_sub(1)).collect(),
    };
    format!("{}…", cut.trim_end())
}

/// The label of a paper in graphs and tables: its abbreviation, else its short title.
pub fn paper_label(abbreviation: Option<&str>, title: &str) -> String {
    match abbreviation.map(one_line) {
        Some(abbreviation) if !abbreviation.is_empty() => abbreviation,
        _ => short_title(title, 28),
    }
}

/// Catalogue key -> [`paper_label`], for tables and evidence that list papers by key.
pub fn key_labels(analysis: &crate::analysis::Analysis) -> std::collections::HashMap<&str, String> {
    analysis
        .papers
        .iter()
        .filter_map(|p| {
            let key = p.key.as_deref()?;
            Some((key, paper_label(p.abbreviation.as_deref(), &p.title)))
        })
        .collect()
}

/// An author list the way the catalogue writes it (BibTeX order, `Last, First and Last, First`),
/// from Semantic Scholar's `First Last` names; after `max` names, `and others`.
pub fn authors_bibtex_style(authors: &[String], max: usize) -> String {
    let mut names: Vec<String> = authors
        .iter()
        .map(|name| one_line(name))
        .filter(|name| !name.is_empty())
        .take(max)
        .map(|name| {
            if name.contains(',') {
                return name;
            }
            match name.rsplit_once(' ') {
                Some((given, family)) => format!("{family}, {given}"),
                None => name,
            }
        })
        .collect();
    if authors.len() > max {
        names.push("others".to_string());
    }
    names.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles_prefer_the_method_name() {
        assert_eq!(
            short_title("SPViT: Enabling Faster Vision Transformers", 28),
            "SPViT"
        );
        assert_eq!(
            short_title(
                "Adaptive Token Sampling for Efficient Vision Transformers",
                28
            ),
            "Adaptive Token Sampling for…"
        );
        assert_eq!(short_title("Short\ntitle", 28), "Short title");
        assert_eq!(short_title("漢字漢字漢字漢字漢字", 5), "漢字漢字…");
    }

    #[test]
    fn labels_fall_back_to_the_title() {
        assert_eq!(paper_label(Some("ToMe"), "Token Merging: Your ViT"), "ToMe");
        assert_eq!(
            paper_label(Some("  "), "Token Merging: Your ViT"),
            "Token Merging"
        );
        assert_eq!(paper_label(None, "X"), "X");
    }

    #[test]
    fn authors_read_like_the_catalogue() {
        let authors = vec![
            "Daniel Bolya".to_string(),
            "Cheng-Yang Fu".to_string(),
            "Plato".to_string(),
        ];
        assert_eq!(
            authors_bibtex_style(&authors, 10),
            "Bolya, Daniel and Fu, Cheng-Yang and Plato"
        );
        assert_eq!(
            authors_bibtex_style(&authors, 1),
            "Bolya, Daniel and others"
        );
    }
}
