//! Links of an entry: the role of a link by its label (paper or code), the repair of a nested
//! target (`[Code]([url](url))`), the paper link when none is labelled as one, and the links
//! Markdown did not read because they were never closed.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::fields::looks_like_paper;

static BARE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"https?://[^\s<>()\[\]"']+"#).expect("literal regex, unit-tested")
});

/// What a link is for, by its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkRole {
    Paper,
    Code,
}

/// `[Code]([https://x](https://x))` gives the target `[https://x](https://x)`: keep the inner URL.
pub(super) fn repair_link_target(dest: &str) -> (String, bool) {
    let dest = dest.trim();
    if let Some((_, inner)) = dest.rsplit_once("](") {
        let inner = inner.trim_end_matches(')').trim();
        return (inner.to_string(), true);
    }
    if dest.starts_with('[') || dest.ends_with(']') {
        return (dest.trim_matches(['[', ']']).to_string(), true);
    }
    (dest.to_string(), false)
}

pub(super) fn link_role(label: &str) -> Option<LinkRole> {
    let label = label.trim().to_lowercase();
    let label = label.trim_matches(|c: char| !c.is_alphanumeric());
    match label {
        "paper" | "pdf" | "arxiv" | "abs" | "abstract" | "openreview" | "acl" | "doi" | "link"
        | "article" | "proceedings" | "paper link" | "camera ready" | "publication" => {
            Some(LinkRole::Paper)
        }
        _ if label.contains("code") || label.contains("github") || label == "repo" => {
            Some(LinkRole::Code)
        }
        _ if label.starts_with("paper") || label.starts_with("pdf") => Some(LinkRole::Paper),
        _ => None,
    }
}

/// The paper link of an entry and where it was found.
pub(super) struct PaperLink {
    pub(super) url: Option<String>,
    /// Read from a bare URL in the text because the link was not valid Markdown: a reading
    /// warning, and the unclosed link is not reported again by the lint.
    pub(super) from_bare_url: bool,
}

/// The paper link: the link labelled as one (`labelled`: `Paper`, `PDF`, ...), else the title's
/// own link, else another link that looks like a paper's (`other_links`), else a bare paper URL
/// in the entry's `text`.
pub(super) fn paper_link(
    labelled: Option<String>,
    other_links: &[String],
    text: &str,
    title_link: Option<String>,
) -> PaperLink {
    let mut paper = labelled.or(title_link);
    if paper.is_none() {
        paper = other_links
            .iter()
            .find(|url| looks_like_paper(url))
            .cloned();
    }
    let mut from_bare_url = false;
    if paper.is_none() {
        paper = BARE_URL
            .find_iter(text)
            .map(|m| m.as_str().trim_end_matches(['.', ',', ';']).to_string())
            .find(|url| looks_like_paper(url));
        from_bare_url = paper.is_some();
    }
    PaperLink {
        url: paper,
        from_bare_url,
    }
}

/// The URLs that follow `](` in an entry's plain text: links Markdown did not read (a parsed
/// link leaves only its label in the text), such as `[[Paper](https://arxiv.org/abs/2304.xxxx`
/// with no closing parenthesis.
pub(super) fn unclosed_links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(at, _)| BARE_URL.find(&text[at + 2..]).filter(|m| m.start() == 0))
        .map(|m| m.as_str().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::catalog::markdown::parse_test_file as parse;

    #[test]
    fn repairs_nested_link_targets() {
        let text = "- **[5] Token Merging: Your ViT But Faster**, ICLR 2023.\n\n  [[Paper](https://arxiv.org/abs/2210.09461)] [[Code]([https://github.com/facebookresearch/ToMe](https://github.com/facebookresearch/ToMe))] [Code]\n";
        let parsed = parse(text);
        let entry = &parsed.entries[0];
        assert_eq!(
            entry.links.code.as_deref(),
            Some("https://github.com/facebookresearch/ToMe")
        );
        assert_eq!(entry.malformed_links.len(), 1);
    }
}
