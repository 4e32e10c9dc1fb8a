//! The colours of a render: one fixed colour per mechanism ([`Palette`], computed once per render
//! from the analysis and passed to every figure, the DOT and the report), the neutral colours of
//! text and axes, the sequential map of heat maps, and the one rule for text on a coloured fill
//! ([`text_on`]).
//!
//! Mechanisms are ranked by paper count; the first [`NAMED_MECHANISMS`] named ones get the
//! Okabe-Ito hues, re-stepped in lightness so that neighbours in that order (neighbouring segments
//! of a stacked bar, neighbouring legend entries) also differ in grayscale; the rest share one
//! gray and appear as "other" in legends and groupings; `unspecified` (no mechanism badge) is
//! always light gray. Heat maps use a sequential yellow-green-blue map (ColorBrewer YlGnBu),
//! monotonic in lightness, with the number printed in every cell in black or white, whichever
//! contrasts.

use std::collections::{BTreeMap, HashMap};

use crate::analysis::Analysis;
use crate::catalog::UNSPECIFIED;
use crate::render::labels::mechanism_label;

/// How many mechanisms get a colour of their own; the rest are drawn as "other".
pub const NAMED_MECHANISMS: usize = 8;

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// Okabe & Ito's colour-blind-safe hues, lightness re-stepped (in OKLab) to alternate dark and
/// light down the list: L = 0.47, 0.80, 0.58, 0.92, 0.63, 0.85, 0.71, 0.34.
const MECHANISM_PALETTE: [Rgb; NAMED_MECHANISMS] = [
    (0x00, 0x5F, 0x9E), // blue
    (0xF6, 0xAE, 0x28), // orange
    (0x00, 0x8F, 0x65), // bluish green
    (0xF6, 0xEA, 0x4A), // yellow
    (0xD8, 0x61, 0x08), // vermillion
    (0x80, 0xDD, 0xFF), // sky blue
    (0xD6, 0x82, 0xB1), // reddish purple
    (0x41, 0x20, 0x73), // indigo
];
/// Mechanisms beyond the first [`NAMED_MECHANISMS`].
const OTHER_COLOR: Rgb = (0x71, 0x71, 0x71);
/// Papers without a mechanism badge.
const UNSPECIFIED_COLOR: Rgb = (0xD4, 0xD4, 0xD4);

pub(crate) const TEXT: Rgb = (0x1A, 0x1A, 0x1A);
pub(crate) const MUTED: Rgb = (0x66, 0x66, 0x66);
pub(crate) const AXIS: Rgb = (0x33, 0x33, 0x33);
pub(crate) const GRID: Rgb = (0xE3, 0xE3, 0xE3);
pub(crate) const WHITE: Rgb = (0xFF, 0xFF, 0xFF);

/// The mechanisms as figures, the DOT and the report show them: the most common ones by name,
/// then "other", then "unspecified"; one colour each. Built once per render ([`Palette::new`]).
#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub groups: Vec<MechanismGroup>,
    index: HashMap<String, usize>,
    /// `--hide-unspecified`: the `unspecified` group was taken out ([`Palette::without_unspecified`]).
    hides_unspecified: bool,
}

#[derive(Debug, Clone)]
pub struct MechanismGroup {
    /// As shown in legends and on axes.
    pub label: String,
    pub color: Rgb,
    /// The canonical mechanism names in this group.
    pub members: Vec<String>,
}

impl Palette {
    /// Ranks the mechanisms by paper count (`analysis.mechanisms`, completed from the papers for
    /// any mechanism it lacks), ties by name, so the same analysis always gives the same colours.
    pub fn new(analysis: &Analysis) -> Self {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for group in &analysis.mechanisms {
            let count = counts.entry(group.name.clone()).or_default();
            *count = (*count).max(group.papers);
        }
        let mut from_papers: BTreeMap<&str, usize> = BTreeMap::new();
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            for mechanism in &paper.mechanisms {
                *from_papers.entry(mechanism.as_str()).or_default() += 1;
            }
        }
        for (name, count) in from_papers {
            counts.entry(name.to_string()).or_insert(count);
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let mut groups = Vec::new();
        let mut tail = Vec::new();
        let mut unspecified = None;
        for (name, _) in ranked {
            if name == UNSPECIFIED {
                unspecified = Some(name);
            } else if groups.len() < NAMED_MECHANISMS {
                groups.push(MechanismGroup {
                    label: mechanism_label(&name),
                    color: MECHANISM_PALETTE[groups.len()],
                    members: vec![name],
                });
            } else {
                tail.push(name);
            }
        }
        match tail.len() {
            0 => {}
            // One leftover mechanism keeps its name; it still takes the shared gray.
            1 => groups.push(MechanismGroup {
                label: mechanism_label(&tail[0]),
                color: OTHER_COLOR,
                members: tail,
            }),
            _ => groups.push(MechanismGroup {
                label: "Other".to_string(),
                color: OTHER_COLOR,
                members: tail,
            }),
        }
        if let Some(name) = unspecified {
            groups.push(MechanismGroup {
                label: mechanism_label(&name),
                color: UNSPECIFIED_COLOR,
                members: vec![name],
            });
        }
        Palette {
            index: member_index(&groups),
            groups,
            hides_unspecified: false,
        }
    }

    /// The same palette without the `unspecified` group (`--hide-unspecified`): the figures
    /// that group papers by mechanism then leave out the papers that have no mechanism badge
    /// and say so; the other groups keep their colours.
    pub fn without_unspecified(&self) -> Palette {
        let groups: Vec<MechanismGroup> = self
            .groups
            .iter()
            .filter(|g| !g.members.iter().any(|m| m == UNSPECIFIED))
            .cloned()
            .collect();
        Palette {
            index: member_index(&groups),
            groups,
            hides_unspecified: true,
        }
    }

    /// Whether `unspecified` is hidden (see [`Palette::without_unspecified`]).
    pub fn hides_unspecified(&self) -> bool {
        self.hides_unspecified
    }

    /// Whether a paper counts as without a mechanism: no badge, or only `unspecified`.
    pub fn is_unspecified(mechanisms: &[String]) -> bool {
        mechanisms.iter().all(|m| m == UNSPECIFIED)
    }

    /// The group of a mechanism, if the analysis knows it.
    pub fn group_of(&self, mechanism: &str) -> Option<usize> {
        self.index.get(mechanism).copied()
    }

    /// The distinct groups of a paper's mechanisms, in group order.
    pub fn groups_of(&self, mechanisms: &[String]) -> Vec<usize> {
        let mut found: Vec<usize> = mechanisms.iter().filter_map(|m| self.group_of(m)).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Legend swatches (label, colour) for the colours these mechanisms are drawn in, in group
    /// order; names the analysis does not know are drawn in the "other" gray and get an "Other"
    /// entry. [`super::widgets::swatches`] turns them into legend entries.
    pub(crate) fn legend_for<'m>(
        &self,
        mechanisms: impl IntoIterator<Item = &'m str>,
    ) -> Vec<(String, Rgb)> {
        // (position, label, colour): groups by index, then the fallbacks after them.
        let mut used: Vec<(usize, String, Rgb)> = Vec::new();
        for mechanism in mechanisms {
            let entry = match self.group_of(mechanism) {
                Some(g) => (g, self.groups[g].label.clone(), self.groups[g].color),
                None if mechanism == UNSPECIFIED && self.hides_unspecified => continue,
                None if mechanism == UNSPECIFIED => {
                    (usize::MAX, mechanism_label(UNSPECIFIED), UNSPECIFIED_COLOR)
                }
                None => match self.groups.iter().position(|g| g.color == OTHER_COLOR) {
                    Some(g) => (g, self.groups[g].label.clone(), OTHER_COLOR),
                    None => (usize::MAX - 1, "Other".to_string(), OTHER_COLOR),
                },
            };
            if !used.iter().any(|u| u.0 == entry.0) {
                used.push(entry);
            }
        }
        used.sort_by_key(|u| u.0);
        used.into_iter()
            .map(|(_, label, color)| (label, color))
            .collect()
    }

    /// The colour of a mechanism: its group's, the shared gray for a mechanism the analysis does
    /// not know, light gray for `unspecified`.
    pub fn color_of(&self, mechanism: &str) -> Rgb {
        match self.group_of(mechanism) {
            Some(i) => self.groups[i].color,
            None if mechanism == UNSPECIFIED => UNSPECIFIED_COLOR,
            None => OTHER_COLOR,
        }
    }
}

/// Relative luminance (WCAG) of a colour, 0 (black) to 1 (white).
pub fn luminance(c: Rgb) -> f64 {
    fn linear(v: u8) -> f64 {
        let v = f64::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    }
    0.2126 * linear(c.0) + 0.7152 * linear(c.1) + 0.0722 * linear(c.2)
}

/// The WCAG 2 contrast ratio of two colours, 1 (none) to 21 (black on white).
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The text colour for a label on a `background` fill: the near-black [`TEXT`] or white,
/// whichever has the higher WCAG contrast ratio with it (ties go to the dark text). The one rule
/// for text on a coloured fill: heat-map cells, the DOT's nodes and legend.
pub fn text_on(background: Rgb) -> Rgb {
    if contrast_ratio(TEXT, background) >= contrast_ratio(WHITE, background) {
        TEXT
    } else {
        WHITE
    }
}

/// A darker shade, for outlines of light fills against white.
pub(crate) fn darker(c: Rgb, amount: f64) -> Rgb {
    let k = (1.0 - amount).clamp(0.0, 1.0);
    let f = |v: u8| (f64::from(v) * k).round() as u8;
    (f(c.0), f(c.1), f(c.2))
}

/// A lighter tint (towards white by `amount`, 0..1): each channel moves that share of the way
/// to 255.
pub(crate) fn lighter(c: Rgb, amount: f64) -> Rgb {
    let k = amount.clamp(0.0, 1.0);
    let f = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * k).round() as u8;
    (f(c.0), f(c.1), f(c.2))
}

/// ColorBrewer YlGnBu (9 classes): sequential, colour-blind safe, monotonic in lightness.
const YLGNBU: [Rgb; 9] = [
    (0xFF, 0xFF, 0xD9),
    (0xED, 0xF8, 0xB1),
    (0xC7, 0xE9, 0xB4),
    (0x7F, 0xCD, 0xBB),
    (0x41, 0xB6, 0xC4),
    (0x1D, 0x91, 0xC0),
    (0x22, 0x5E, 0xA8),
    (0x25, 0x34, 0x94),
    (0x08, 0x1D, 0x58),
];

/// Cells with nothing in them.
pub(crate) const EMPTY_CELL: Rgb = (0xF4, 0xF4, 0xF4);

/// The heat-map colour of `t` in 0..1; exactly 0 is the empty-cell gray, and the smallest
/// positive value is already tinted so that "a few" never looks like "none".
pub(crate) fn sequential(t: f64) -> Rgb {
    if t.is_nan() || t <= 0.0 {
        return EMPTY_CELL;
    }
    let t = 0.12 + 0.88 * t.min(1.0);
    let pos = t * (YLGNBU.len() - 1) as f64;
    let i = (pos.floor() as usize).min(YLGNBU.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (YLGNBU[i], YLGNBU[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Mechanism name -> the index of its group in `groups`.
fn member_index(groups: &[MechanismGroup]) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (i, group) in groups.iter().enumerate() {
        for member in &group.members {
            index.insert(member.clone(), i);
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::GroupStats;

    /// An analysis with mechanisms m0..m{n} of falling paper counts, and `unspecified`.
    fn analysis_with_mechanisms(n: usize) -> Analysis {
        let mut mechanisms: Vec<GroupStats> = (0..n)
            .map(|i| GroupStats {
                name: format!("m{i:02}"),
                papers: 100 - i,
                ..GroupStats::default()
            })
            .collect();
        mechanisms.push(GroupStats {
            name: UNSPECIFIED.to_string(),
            papers: 500,
            ..GroupStats::default()
        });
        Analysis {
            mechanisms,
            ..Analysis::default()
        }
    }

    #[test]
    fn groups_rank_by_count_and_fold_the_tail() {
        let palette = Palette::new(&analysis_with_mechanisms(20));
        assert_eq!(palette.groups.len(), NAMED_MECHANISMS + 2);
        assert_eq!(palette.groups[0].members, ["m00"]);
        assert_eq!(palette.groups[NAMED_MECHANISMS].label, "Other");
        assert_eq!(palette.groups[NAMED_MECHANISMS].members.len(), 12);
        // Unspecified is last, however many papers it has.
        assert_eq!(palette.groups.last().unwrap().label, "Unspecified");
        assert_eq!(palette.color_of("m00"), MECHANISM_PALETTE[0]);
        assert_eq!(palette.color_of("m19"), OTHER_COLOR);
        assert_eq!(palette.color_of("no such mechanism"), OTHER_COLOR);
        assert_eq!(palette.color_of(UNSPECIFIED), UNSPECIFIED_COLOR);
    }

    #[test]
    fn one_leftover_mechanism_keeps_its_name() {
        let palette = Palette::new(&analysis_with_mechanisms(NAMED_MECHANISMS + 1));
        assert_eq!(palette.groups[NAMED_MECHANISMS].label, "M08");
        assert_eq!(palette.groups[NAMED_MECHANISMS].color, OTHER_COLOR);
    }

    #[test]
    fn palette_neighbours_differ_in_lightness() {
        for pair in MECHANISM_PALETTE.windows(2) {
            let (a, b) = (luminance(pair[0]), luminance(pair[1]));
            assert!((a - b).abs() > 0.1, "{pair:?}");
        }
    }

    #[test]
    fn text_on_a_fill_is_black_or_white_by_contrast() {
        assert_eq!(text_on(WHITE), TEXT);
        assert_eq!(text_on((0, 0, 0)), WHITE);
        assert_eq!(text_on(UNSPECIFIED_COLOR), TEXT);
        // The dark blue and indigo of the palette take white, the yellow and sky blue black.
        assert_eq!(text_on(MECHANISM_PALETTE[0]), WHITE);
        assert_eq!(text_on(MECHANISM_PALETTE[7]), WHITE);
        assert_eq!(text_on(MECHANISM_PALETTE[3]), TEXT);
        assert_eq!(text_on(MECHANISM_PALETTE[5]), TEXT);
        // Whichever is chosen contrasts at least as well as the other.
        for v in (0..=255).step_by(5) {
            for fill in [(v, v, v), (v, 0, 255 - v), (255, v, 0), (0, v, 0)] {
                let chosen = text_on(fill);
                let other = if chosen == WHITE { TEXT } else { WHITE };
                assert!(
                    contrast_ratio(chosen, fill) >= contrast_ratio(other, fill),
                    "{fill:?}"
                );
            }
        }
    }

    #[test]
    fn sequential_is_monotonic_in_lightness() {
        let mut last = f64::INFINITY;
        for i in 1..=20 {
            let l = luminance(sequential(f64::from(i) / 20.0));
            assert!(l < last);
            last = l;
        }
        assert_eq!(sequential(0.0), EMPTY_CELL);
        assert_eq!(sequential(f64::NAN), EMPTY_CELL);
    }
}
