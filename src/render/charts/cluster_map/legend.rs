//! The cluster map's legend, planned: entries and headings placed in an area beside or under
//! the map.
//!
//! Legend: the cluster colours (a flat bar, unlike any marker shape, and the name; largest
//! first, then "N other clusters" in gray), the marker shapes in neutral gray (the four most
//! common mechanisms, "Other" mechanisms as circles, "Unspecified" (no mechanism badge) as
//! crosses, foundations as rings; only the shapes drawn), and the size rule. Under the map at one
//! column width (1050 px), the colours in two columns, the shapes in as many (up to three) as
//! fit; beside the map in one column when the figure is at least [`SIDE_LEGEND_MIN_WIDTH`] wide
//! (2100 px = 7 in has it). Legend names are the full names when they all fit, else each cluster's
//! first two terms, or its first where two do not fit.

use super::super::canvas::{cap_height, line_height, text_width};
use super::super::palette::Rgb;
use super::super::style::Style;
use super::super::text::{fit_text, unspecified_note, wrap_text};
use super::join::ColoredCluster;
use super::{ClusterMap, Shape, OTHER_CLUSTER};

/// Shape keys of the legend (shapes carry no colour).
const KEY_GRAY: Rgb = (0x55, 0x55, 0x55);

/// What a legend entry's key shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendKey {
    /// A colour swatch: a cluster, or the gray of the other clusters.
    Colour,
    /// A marker shape in neutral gray: a mechanism, no badge, or a foundation.
    Shape(Shape),
}

/// One legend entry, placed: its key centred on (x, y), its text to the right.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// The text as drawn.
    pub label: String,
    /// The cluster of a colour entry; None for the other clusters and for shapes.
    pub community: Option<u32>,
    pub key: LegendKey,
    pub color: Rgb,
    pub x: f64,
    pub y: f64,
}

/// The names of `clusters` for the legend, `width` wide at most: the full names when every one
/// fits (so that the entries read alike), else each with two terms, or one where two do not fit
/// (cut to fit when even that does not).
fn fitting_names(clusters: &[&ColoredCluster], size: f64, width: f64) -> Vec<String> {
    let fits = |name: &str| text_width(name, size, false) <= width;
    if clusters.iter().all(|c| fits(&c.short_names[0])) {
        return clusters.iter().map(|c| c.short_names[0].clone()).collect();
    }
    clusters
        .iter()
        .map(|c| {
            let name = if fits(&c.short_names[1]) {
                &c.short_names[1]
            } else {
                &c.short_names[2]
            };
            fit_text(name, size, false, width)
        })
        .collect()
}

/// The legend's entries and headings, placed.
pub(super) struct LegendPlan {
    pub(super) items: Vec<LegendItem>,
    /// (text, x, y of the capitals' top).
    pub(super) headings: Vec<(String, f64, f64)>,
    /// Muted lines under the entries: the size rule, the hidden papers.
    pub(super) notes: Vec<(String, f64, f64)>,
    pub(super) bottom: f64,
}

impl ClusterMap {
    pub(super) fn legend_row(st: &Style) -> f64 {
        st.px(40.0)
    }

    pub(super) fn legend_key(st: &Style) -> f64 {
        st.px(30.0)
    }

    pub(super) fn legend_heading_height(st: &Style) -> f64 {
        cap_height(st.tick_size()) + st.px(20.0)
    }

    /// The legend placed in the area from `x0`, `width` wide, from `top` down: the clusters'
    /// colours (one column beside the map, two under it), then the shapes (as many columns, up
    /// to three, as their names fit), then the notes.
    pub(super) fn plan_legend(&self, st: &Style, x0: f64, width: f64, top: f64) -> LegendPlan {
        let column_gap = st.px(30.0);
        let key = Self::legend_key(st);
        let column_width =
            |columns: usize| (width - (columns - 1) as f64 * column_gap) / columns as f64;
        let label_width = |columns: usize| column_width(columns) - key - st.gap();
        let size = st.tick_size();
        let row = Self::legend_row(st);
        let mut items = Vec::new();
        let mut headings = Vec::new();
        let mut y = top;
        // Entries fill a section column by column (top to bottom, then the next column), so
        // that the clusters read largest first down the first column.
        let mut section = |heading: &str,
                           entries: Vec<(String, Option<u32>, LegendKey, Rgb)>,
                           columns: usize,
                           y: &mut f64| {
            if entries.is_empty() {
                return;
            }
            headings.push((heading.to_string(), x0, *y));
            *y += Self::legend_heading_height(st);
            let rows = entries.len().div_ceil(columns);
            for (i, (label, community, key_kind, color)) in entries.into_iter().enumerate() {
                let (col, r) = (i / rows, i % rows);
                items.push(LegendItem {
                    label,
                    community,
                    key: key_kind,
                    color,
                    x: x0 + col as f64 * (column_width(columns) + column_gap) + key / 2.0,
                    y: *y + row * (r as f64 + 0.5),
                });
            }
            *y += rows as f64 * row + st.px(14.0);
        };
        let drawn_cluster = |community: u32| {
            self.nodes
                .iter()
                .any(|n| n.drawn && n.paper.community == community)
        };
        let columns = if Self::side_legend(st) { 1 } else { 2 };
        let shown: Vec<&ColoredCluster> = self
            .clusters
            .iter()
            .filter(|c| drawn_cluster(c.community))
            .collect();
        let names = fitting_names(&shown, size, label_width(columns));
        let mut colours: Vec<(String, Option<u32>, LegendKey, Rgb)> = shown
            .iter()
            .zip(names)
            .map(|(c, name)| (name, Some(c.community), LegendKey::Colour, c.color))
            .collect();
        if self.others > 0 {
            let text = match self.others {
                1 => "1 other cluster".to_string(),
                n => format!("{n} other clusters"),
            };
            colours.push((
                fit_text(&text, size, false, label_width(columns)),
                None,
                LegendKey::Colour,
                OTHER_CLUSTER,
            ));
        }
        section("Colour: cluster", colours, columns, &mut y);
        let widest = self
            .shape_legend
            .iter()
            .map(|(name, _)| text_width(name, size, false))
            .fold(0.0, f64::max);
        let columns = (1..=3)
            .rev()
            .find(|&c| widest <= label_width(c))
            .unwrap_or(1);
        let shapes = self
            .shape_legend
            .iter()
            .map(|(name, shape)| {
                (
                    fit_text(name, size, false, label_width(columns)),
                    None,
                    LegendKey::Shape(*shape),
                    KEY_GRAY,
                )
            })
            .collect();
        section("Shape: mechanism", shapes, columns, &mut y);
        let small = st.small_size();
        let mut notes = Vec::new();
        let mut note_text = vec!["Size: PageRank rank (larger = more influential).".to_string()];
        if let Some(hidden) = self.hidden {
            note_text.push(unspecified_note(hidden));
        }
        for text in note_text {
            for line in wrap_text(&text, small, false, width, 3) {
                notes.push((line, x0, y));
                y += line_height(small);
            }
        }
        LegendPlan {
            items,
            headings,
            notes,
            bottom: y,
        }
    }
}
