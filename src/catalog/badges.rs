//! shields.io static badges: `https://img.shields.io/badge/Token_Pruning-orange` says, in its colour,
//! which column of the catalogue's legend the label belongs to.
//!
//! The static-badge path is `LABEL-MESSAGE-COLOR` or `CONTENT-COLOR`, split on single dashes; shields.io
//! renders `--` as a literal dash, `__` as a literal underscore and a single `_` as a space, and the
//! path is percent-decoded first (`maintained%3F` is `maintained?`).

use percent_encoding::percent_decode_str;

/// The colour groups of the family's legend ("Keywords" line of the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeGroup {
    /// blue: the method's abbreviation
    Abbreviation,
    /// green: downstream application
    Application,
    /// brown: training-based or training-free
    Training,
    /// purple: compression criteria
    Criteria,
    /// orange: compression mechanism
    Mechanism,
    /// yellow: free keywords
    Keywords,
}

impl BadgeGroup {
    /// The colour names the lists use; other colours (pink paper counts, hex colours) are not part
    /// of the legend and are ignored.
    fn from_colour(colour: &str) -> Option<Self> {
        match colour.trim().to_ascii_lowercase().as_str() {
            "blue" => Some(Self::Abbreviation),
            "green" | "brightgreen" => Some(Self::Application),
            "brown" => Some(Self::Training),
            "purple" => Some(Self::Criteria),
            "orange" => Some(Self::Mechanism),
            "yellow" => Some(Self::Keywords),
            _ => None,
        }
    }
}

/// A decoded badge: its legend group and its label as shields.io renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub group: BadgeGroup,
    pub label: String,
}

/// Decodes a shields.io static badge URL; `None` for anything else (other images, dynamic badges,
/// colours outside the legend, empty labels).
pub fn decode_badge(url: &str) -> Option<Badge> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    if host != "img.shields.io" && host != "shields.io" {
        return None;
    }
    let content = path.strip_prefix("badge/")?;
    let content = content.split(['?', '#']).next().unwrap_or_default();
    let content = strip_image_extension(content);
    let decoded = percent_decode_str(content).decode_utf8_lossy();
    let mut parts = split_dashes(&decoded);
    if parts.len() < 2 {
        return None;
    }
    let colour = parts.pop()?;
    let group = BadgeGroup::from_colour(&colour)?;
    let label = parts
        .iter()
        .map(|part| decode_underscores(part))
        .collect::<Vec<_>>()
        .join(" ");
    let label = collapse_spaces(&label);
    if label.is_empty() {
        return None;
    }
    Some(Badge { group, label })
}

fn strip_image_extension(content: &str) -> &str {
    for ext in [".svg", ".png", ".json"] {
        if let Some(stripped) = content.strip_suffix(ext) {
            return stripped;
        }
    }
    content
}

/// Splits on single dashes; `--` stands for a literal dash.
fn split_dashes(content: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '-' {
            if chars.peek() == Some(&'-') {
                chars.next();
                push_char(&mut parts, '-');
            } else {
                parts.push(String::new());
            }
        } else {
            push_char(&mut parts, c);
        }
    }
    parts
}

fn push_char(parts: &mut Vec<String>, c: char) {
    match parts.last_mut() {
        Some(last) => last.push(c),
        None => parts.push(c.to_string()),
    }
}

/// `_` is a space, `__` a literal underscore.
fn decode_underscores(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    let mut chars = part.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' {
            if chars.peek() == Some(&'_') {
                chars.next();
                out.push('_');
            } else {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(url: &str) -> Option<(BadgeGroup, String)> {
        decode_badge(url).map(|b| (b.group, b.label))
    }

    #[test]
    fn decodes_every_legend_colour() {
        let cases = [
            ("ToMe-blue", BadgeGroup::Abbreviation, "ToMe"),
            (
                "Image_Generation-green",
                BadgeGroup::Application,
                "Image Generation",
            ),
            ("Training_Free-brown", BadgeGroup::Training, "Training Free"),
            (
                "Similarity_Based-purple",
                BadgeGroup::Criteria,
                "Similarity Based",
            ),
            (
                "Token_Merging-orange",
                BadgeGroup::Mechanism,
                "Token Merging",
            ),
            ("Theory-yellow", BadgeGroup::Keywords, "Theory"),
            ("Fast-brightgreen", BadgeGroup::Application, "Fast"),
        ];
        for (path, group, label) in cases {
            let url = format!("https://img.shields.io/badge/{path}");
            assert_eq!(badge(&url), Some((group, label.to_string())), "{url}");
        }
    }

    #[test]
    fn double_dash_is_a_literal_dash_and_double_underscore_an_underscore() {
        assert_eq!(
            badge("https://img.shields.io/badge/Training--based-brown"),
            Some((BadgeGroup::Training, "Training-based".into()))
        );
        assert_eq!(
            badge("https://img.shields.io/badge/Drop--and--Restore-orange"),
            Some((BadgeGroup::Mechanism, "Drop-and-Restore".into()))
        );
        assert_eq!(
            badge("https://img.shields.io/badge/snake__case-yellow"),
            Some((BadgeGroup::Keywords, "snake_case".into()))
        );
    }

    #[test]
    fn percent_escapes_suffixes_and_queries_are_decoded() {
        assert_eq!(
            badge("https://img.shields.io/badge/maintained%3F-yes-green.svg"),
            Some((BadgeGroup::Application, "maintained? yes".into()))
        );
        assert_eq!(
            badge("https://img.shields.io/badge/Vote%26Mix-blue?style=flat"),
            Some((BadgeGroup::Abbreviation, "Vote&Mix".into()))
        );
        assert_eq!(
            badge("http://img.shields.io/badge/Topic_Identification_-green"),
            Some((BadgeGroup::Application, "Topic Identification".into()))
        );
        assert_eq!(
            badge("https://img.shields.io/badge/Segformer++-blue"),
            Some((BadgeGroup::Abbreviation, "Segformer++".into()))
        );
    }

    #[test]
    fn label_message_badges_join_both_parts() {
        assert_eq!(
            badge("https://img.shields.io/badge/Token-Merging-orange"),
            Some((BadgeGroup::Mechanism, "Token Merging".into()))
        );
    }

    #[test]
    fn non_legend_badges_are_ignored() {
        assert_eq!(
            badge("https://img.shields.io/badge/paper_count-200+-pink"),
            None
        );
        assert_eq!(badge("https://img.shields.io/badge/x-ff69b4"), None);
        assert_eq!(badge("https://img.shields.io/badge/orange"), None);
        assert_eq!(badge("https://img.shields.io/badge/-orange"), None);
        assert_eq!(
            badge("https://img.shields.io/github/stars/a/b.svg?style=social"),
            None
        );
        assert_eq!(badge("https://example.org/badge/ToMe-blue"), None);
        assert_eq!(badge("not a url"), None);
        assert_eq!(badge(""), None);
    }
}
