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
    /// The colour names the lists use; a hex colour (`FFA500`, `4c1`) is read as the nearest
    /// named colour ([`nearest_named_colour`]). Other colours (pink paper counts, red, grey) are not
    /// part of the legend and are ignored.
    fn from_colour(colour: &str) -> Option<Self> {
        let colour = colour.trim().to_ascii_lowercase();
        let name = match parse_hex(&colour) {
            Some(rgb) => nearest_named_colour(rgb),
            None => colour.as_str(),
        };
        match name {
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

/// Named colours a hex colour may be meant as: shields.io's own named colours and the CSS colours
/// of the same names (a maintainer picking "orange" in a colour picker gets CSS `#FFA500`, shields
/// renders `orange` as `#FE7D37`), plus the common colours outside the legend, so that a pink or
/// grey badge stays outside it.
const NAMED_COLOURS: &[(&str, (u8, u8, u8))] = &[
    ("blue", (0x00, 0x7e, 0xc6)),
    ("blue", (0x00, 0x00, 0xff)),
    ("blue", (0x1e, 0x90, 0xff)),
    ("green", (0x97, 0xca, 0x00)),
    ("green", (0x00, 0x80, 0x00)),
    ("brightgreen", (0x44, 0xcc, 0x11)),
    ("brown", (0xa5, 0x2a, 0x2a)),
    ("brown", (0x8b, 0x45, 0x13)),
    ("purple", (0x80, 0x00, 0x80)),
    ("purple", (0x93, 0x70, 0xdb)),
    ("orange", (0xfe, 0x7d, 0x37)),
    ("orange", (0xff, 0xa5, 0x00)),
    ("yellow", (0xdf, 0xb3, 0x17)),
    ("yellow", (0xff, 0xff, 0x00)),
    ("red", (0xe0, 0x5d, 0x44)),
    ("red", (0xff, 0x00, 0x00)),
    ("pink", (0xff, 0xc0, 0xcb)),
    ("pink", (0xff, 0x69, 0xb4)),
    ("lightgrey", (0x9f, 0x9f, 0x9f)),
    ("grey", (0x55, 0x55, 0x55)),
    ("black", (0x00, 0x00, 0x00)),
    ("white", (0xff, 0xff, 0xff)),
];

/// `FFA500`, `ffa500`, `#ffa500` or `4c1` as RGB.
fn parse_hex(colour: &str) -> Option<(u8, u8, u8)> {
    let hex = colour.strip_prefix('#').unwrap_or(colour);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        6 => Some((
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        )),
        3 => {
            let short = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
            Some((short(0)?, short(1)?, short(2)?))
        }
        _ => None,
    }
}

/// The name of the colour of [`NAMED_COLOURS`] nearest to `rgb`, by the "redmean" distance (a
/// cheap weighted RGB distance close to perceived difference; Riemersma, "Colour metric", 2008).
pub fn nearest_named_colour(rgb: (u8, u8, u8)) -> &'static str {
    let distance = |(r2, g2, b2): (u8, u8, u8)| {
        let (r1, g1, b1) = (f64::from(rgb.0), f64::from(rgb.1), f64::from(rgb.2));
        let (r2, g2, b2) = (f64::from(r2), f64::from(g2), f64::from(b2));
        let mean = (r1 + r2) / 2.0;
        let (dr, dg, db) = (r1 - r2, g1 - g2, b1 - b2);
        (2.0 + mean / 256.0) * dr * dr + 4.0 * dg * dg + (2.0 + (255.0 - mean) / 256.0) * db * db
    };
    NAMED_COLOURS
        .iter()
        .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))
        .map_or("", |(name, _)| name)
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
    fn hex_colours_read_as_the_nearest_named_colour() {
        let cases = [
            ("Token_Pruning-FFA500", Some(BadgeGroup::Mechanism)),
            ("Token_Pruning-fe7d37", Some(BadgeGroup::Mechanism)),
            ("ToMe-1E90FF", Some(BadgeGroup::Abbreviation)),
            ("Image_Generation-2ea44f", Some(BadgeGroup::Application)),
            ("Training_Free-8B4513", Some(BadgeGroup::Training)),
            ("Similarity-9370DB", Some(BadgeGroup::Criteria)),
            ("Theory-FFD700", Some(BadgeGroup::Keywords)),
            ("Fast-4c1", Some(BadgeGroup::Application)),
            ("x-ff69b4", None),
            ("x-lightgrey", None),
        ];
        for (path, group) in cases {
            let url = format!("https://img.shields.io/badge/{path}");
            assert_eq!(decode_badge(&url).map(|b| b.group), group, "{path}");
        }
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
