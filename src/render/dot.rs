//! `OUTPUT/graph.dot`: the catalogue's citation graph for Graphviz (`dot -Tsvg graph.dot`).
//!
//! Nodes are the catalogue papers and the top `--with-missing` missing papers (dashed), labelled by
//! abbreviation or title (wrapped over at most [`CATALOG_LINES`] or [`MISSING_LINES`] lines, never
//! two nodes alike) and sized by PageRank. A catalogue paper is a box with a band of its
//! mechanism's colour along the top (one band a mechanism when it has several) and its name on a
//! pale tint of that colour below (white for several), in near-black text: the text never sits on
//! two colours or on a fill it does not contrast with (WCAG contrast at least
//! [`MIN_TEXT_CONTRAST`]; the trial read black on dark blue and white on yellow stripes). `--dot-layout year` draws a timeline (one `rank=same` column a
//! year, left to right); `--dot-layout community` draws one `cluster_N` box per detected
//! community. A legend cluster shows each mechanism's swatch.
//!
//! The community layout names Graphviz's force-directed engine in the file (`layout=fdp`), so
//! `dot -Tsvg graph.dot` draws the communities as a map of boxes: dot's layered layout put ten
//! clusters side by side in one band 15 times wider than tall.
//!
//! Edges are written cited -> citing with `dir=back`, so the arrow still points at the cited paper
//! while dot ranks older papers first and the timeline needs no reversed edges.
//!
//! By default the file holds at most [`dot_select::DEFAULT_LIMIT`] papers, chosen and pruned by
//! [`dot_select`], and the year layout wraps a year's column when it would make the drawing tall
//! ([`dot_select::column_height`]); `--dot-all` writes every catalogue paper and edge.
//!
//! Every ID and plain label is a quoted string escaped with [`escape::dot`]; the catalogue papers'
//! and the legend's HTML-like labels escape their text with [`escape::dot_html`], so any title
//! gives valid DOT.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use anyhow::Result;

use super::charts::palette::{lighter, Palette, TEXT};
use super::{dot_select, escape, hex_color, labels, top_missing};
use super::{Exporter, OutputFile, RenderContext, RenderOptions};
use crate::analysis::{Analysis, EdgeRow, GroupStats, PaperMetrics};
use crate::catalog::UNSPECIFIED;

/// Writes `graph.dot`.
pub struct Dot;

impl Exporter for Dot {
    fn files(&self, context: &RenderContext<'_>) -> Result<Vec<OutputFile>> {
        Ok(vec![OutputFile::new(
            "graph.dot",
            to_dot(context.analysis, context.options, context.palette),
        )])
    }
}

/// How the nodes are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DotLayout {
    /// One `rank=same` column a publication year, oldest left.
    Year,
    /// One `subgraph cluster_N` a detected community, laid out by `fdp`.
    Community,
}

impl DotLayout {
    /// `--dot-layout`'s value; clap only lets `year` and `community` through.
    pub fn from_option(value: &str) -> Self {
        if value.eq_ignore_ascii_case("community") {
            Self::Community
        } else {
            Self::Year
        }
    }
}

/// Lines a catalogue paper's name is wrapped over, and their characters.
pub const CATALOG_LINES: usize = 2;
/// Lines a missing paper's title is wrapped over (it has no short name).
pub const MISSING_LINES: usize = 3;
const LINE_CHARS: usize = 22;
/// The least WCAG 2 contrast ratio between a node's text and the fill right behind it (WCAG's
/// level AA for normal text).
pub const MIN_TEXT_CONTRAST: f64 = 4.5;
/// How far a catalogue paper's text fill goes from its mechanism colour towards white (0..1).
const TINT: f64 = 0.5;
/// The text fill of a paper with several mechanisms, whose bands carry the colours.
const SEVERAL_FILL: Rgb = (0xFF, 0xFF, 0xFF);

/// One node of the DOT graph.
struct Node<'a> {
    id: &'a str,
    /// Its label's lines, distinct from every other node's label ([`distinct_labels`]).
    label: Vec<String>,
    tooltip: String,
    year: Option<i32>,
    community: Option<u32>,
    colors: Vec<(u8, u8, u8)>,
    pagerank: f64,
    missing: bool,
}

/// The DOT text of the graph.
pub fn to_dot(analysis: &Analysis, options: &RenderOptions, palette: &Palette) -> String {
    let layout = DotLayout::from_option(&options.dot_layout);
    let nodes = collect_nodes(analysis, palette, options.with_missing);
    let selection = (!options.dot_all).then(|| {
        let missing: Vec<&str> = nodes.iter().filter(|n| n.missing).map(|n| n.id).collect();
        dot_select::select(analysis, &missing, dot_select::DEFAULT_LIMIT)
    });
    let (nodes, edges): (Vec<Node<'_>>, &[EdgeRow]) = match &selection {
        Some(selection) => (
            nodes
                .into_iter()
                .filter(|n| selection.papers.contains(n.id))
                .collect(),
            &selection.edges,
        ),
        None => (nodes, &analysis.core_edges),
    };
    let max_pagerank = nodes
        .iter()
        .map(|n| n.pagerank)
        .filter(|p| p.is_finite())
        .fold(0.0_f64, f64::max);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by citegraph. Render with: dot -Tsvg graph.dot -o graph.svg\n\
         // Nodes: catalogue papers (a band of their mechanism colour, one a mechanism, over a pale\n\
         // tint; sized by PageRank) and\n\
         // missing papers (dashed). Edges point from a citing paper to the paper it cites."
    );
    out.push_str("digraph citegraph {\n");
    let catalog_count = nodes.iter().filter(|n| !n.missing).count();
    let missing_count = nodes.len() - catalog_count;
    let chosen = match &selection {
        Some(selection) if selection.left_out > 0 => format!(
            "{catalog_count} of {} catalogue papers (the most influential of each mechanism and the papers connecting them)",
            catalog_count + selection.left_out
        ),
        _ => format!("{catalog_count} catalogue papers"),
    };
    let pruned = if selection.is_some() {
        " Edges: transitive reduction."
    } else {
        ""
    };
    let title = format!(
        "Citation graph: {chosen}{}. Colour: mechanism; size: PageRank.{pruned}",
        if missing_count > 0 {
            let noun = if missing_count == 1 {
                "paper"
            } else {
                "papers"
            };
            format!(" and {missing_count} missing {noun} (dashed)")
        } else {
            String::new()
        }
    );
    let engine = match layout {
        // mclimit: a third of dot's crossing-minimisation passes; on the shared world (295
        // nodes, 2,800 edges) it cut dot's time from 10.6 s to 4.6 s for the same picture.
        DotLayout::Year => "rankdir=LR, nodesep=0.06, ranksep=0.9, newrank=true, mclimit=0.3",
        // A fixed seed for the start positions; prism removes node overlaps (in Graphviz 2.43
        // it still moves boxes a little from run to run); sep keeps 2 points between boxes.
        DotLayout::Community => "layout=fdp, start=5, overlap=prism, sep=\"+2\"",
    };
    let _ = writeln!(
        out,
        "  graph [{engine}, label=\"{}\", labelloc=t, fontsize=22, fontname=\"Helvetica\", \
         outputorder=edgesfirst, bgcolor=white];",
        escape::dot(&title)
    );
    out.push_str(
        "  node [shape=box, style=filled, fontname=\"Helvetica\", penwidth=0.6, color=\"#333333\", margin=\"0.06,0.03\"];\n",
    );
    out.push_str("  edge [dir=back, color=\"#55555566\", arrowsize=0.4, penwidth=0.5];\n\n");

    match layout {
        DotLayout::Year => {
            let wrap = selection.is_some().then(|| {
                let mut per_year: BTreeMap<Option<i32>, usize> = BTreeMap::new();
                for node in &nodes {
                    *per_year.entry(node.year).or_default() += 1;
                }
                dot_select::column_height(&per_year.into_values().collect::<Vec<_>>())
            });
            write_year_groups(&mut out, &nodes, max_pagerank, wrap)
        }
        DotLayout::Community => write_community_groups(&mut out, analysis, &nodes, max_pagerank),
    }
    let several = nodes.iter().any(|n| !n.missing && n.colors.len() > 1);
    write_legend(&mut out, analysis, palette, missing_count > 0, several);
    write_edges(&mut out, edges, &nodes);
    out.push_str("}\n");
    out
}

/// Catalogue papers in the analysis' order, then the top missing papers not already among them.
fn collect_nodes<'a>(
    analysis: &'a Analysis,
    palette: &Palette,
    with_missing: usize,
) -> Vec<Node<'a>> {
    let by_id: HashMap<&str, &PaperMetrics> = analysis
        .papers
        .iter()
        .map(|p| (p.paper_id.as_str(), p))
        .collect();
    let mut seen = HashSet::new();
    let mut nodes = Vec::new();
    // Each node's label and the longer text and year to tell it apart from a namesake.
    let mut names: Vec<(Vec<String>, String, Option<i32>)> = Vec::new();
    for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
        if !seen.insert(paper.paper_id.as_str()) {
            continue;
        }
        let mechanisms = if paper.mechanisms.is_empty() {
            vec![UNSPECIFIED.to_string()]
        } else {
            paper.mechanisms.clone()
        };
        let title = crate::text::strip_html(&paper.title);
        let name = labels::paper_name(paper.abbreviation.as_deref(), &title);
        names.push((
            labels::wrap(&name, LINE_CHARS, CATALOG_LINES),
            title.clone(),
            paper.year,
        ));
        nodes.push(Node {
            id: &paper.paper_id,
            label: Vec::new(),
            tooltip: tooltip(&title, paper.year, &mechanisms),
            year: paper.year,
            community: Some(paper.community),
            colors: mechanisms.iter().map(|m| palette.color_of(m)).collect(),
            pagerank: paper.pagerank,
            missing: false,
        });
    }
    for missing in top_missing(analysis, with_missing) {
        if !seen.insert(missing.paper_id.as_str()) {
            continue;
        }
        let metrics = by_id.get(missing.paper_id.as_str());
        let predicted = vec![format!("{} (predicted)", missing.predicted_mechanism)];
        let title = crate::text::strip_html(&missing.title);
        names.push((
            labels::wrap(&title, LINE_CHARS, MISSING_LINES),
            title.clone(),
            missing.year,
        ));
        nodes.push(Node {
            id: &missing.paper_id,
            label: Vec::new(),
            tooltip: tooltip(&title, missing.year, &predicted),
            year: missing.year,
            community: metrics.map(|m| m.community),
            colors: vec![palette.color_of(&missing.predicted_mechanism)],
            pagerank: metrics.map_or(0.0, |m| m.pagerank),
            missing: true,
        });
    }
    for (lines, _, _) in names.iter_mut().filter(|(lines, _, _)| lines.is_empty()) {
        lines.push("(untitled)".to_string());
    }
    for (node, label) in nodes.iter_mut().zip(distinct_labels(names)) {
        node.label = label;
    }
    nodes
}

/// The labels `(lines, title, year)` made pairwise distinct, so that no two boxes of a drawing
/// read alike (the trial found five "Recent token reduction…" and two "DaTo"): a label shared by
/// several papers gets each one's year; one still shared becomes its title wrapped over
/// [`MISSING_LINES`] lines with the year; one shared even then gets `#2`, `#3` in input order.
fn distinct_labels(names: Vec<(Vec<String>, String, Option<i32>)>) -> Vec<Vec<String>> {
    fn repeated(labels: &[Vec<String>]) -> HashSet<Vec<String>> {
        let mut seen = HashSet::new();
        labels
            .iter()
            .filter(|l| !seen.insert((*l).clone()))
            .cloned()
            .collect()
    }
    fn append(label: &mut Vec<String>, text: &str) {
        match label.last_mut() {
            Some(line) if line.chars().count() + 1 + text.chars().count() <= LINE_CHARS => {
                line.push(' ');
                line.push_str(text);
            }
            _ => label.push(text.to_string()),
        }
    }
    let year_of = |year: &Option<i32>| year.map(|y| format!("({y})"));
    let mut labels: Vec<Vec<String>> = names.iter().map(|(l, _, _)| l.clone()).collect();
    let shared = repeated(&labels);
    for (label, (_, _, year)) in labels.iter_mut().zip(&names) {
        if let (true, Some(year)) = (shared.contains(label), year_of(year)) {
            append(label, &year);
        }
    }
    let shared = repeated(&labels);
    for (label, (_, title, year)) in labels.iter_mut().zip(&names) {
        if shared.contains(label) && !title.trim().is_empty() {
            *label = labels::wrap(title, LINE_CHARS, MISSING_LINES);
            if let Some(year) = year_of(year) {
                append(label, &year);
            }
        }
    }
    let shared = repeated(&labels);
    let mut counts: HashMap<Vec<String>, usize> = HashMap::new();
    for label in labels.iter_mut() {
        if shared.contains(label) {
            let count = counts.entry(label.clone()).or_default();
            *count += 1;
            if *count > 1 {
                append(label, &format!("#{count}"));
            }
        }
    }
    labels
}

fn tooltip(title: &str, year: Option<i32>, mechanisms: &[String]) -> String {
    let year = year.map_or_else(|| "year unknown".to_string(), |y| y.to_string());
    format!(
        "{} ({year}; {})",
        labels::one_line(title),
        mechanisms
            .iter()
            .map(|m| labels::mechanism_label(m))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `"paper:ID"`: a prefix keeps paper IDs apart from the timeline's and the legend's nodes.
fn node_id(paper_id: &str) -> String {
    format!("\"paper:{}\"", escape::dot(paper_id))
}

fn write_node(out: &mut String, node: &Node<'_>, max_pagerank: f64, indent: &str) {
    // sqrt so that area, not width, follows PageRank.
    let scale = if max_pagerank > 0.0 && node.pagerank.is_finite() && node.pagerank > 0.0 {
        (node.pagerank / max_pagerank).sqrt().min(1.0)
    } else {
        0.0
    };
    let fontsize = 9.0 + 13.0 * scale;
    let first = node.colors.first().copied().unwrap_or((153, 153, 153));
    let mut attributes = Vec::new();
    if node.missing {
        attributes.extend([
            format!("label=\"{}\"", escape::dot(&node.label.join("\n"))),
            format!("tooltip=\"{}\"", escape::dot_tooltip(&node.tooltip)),
            format!("fontsize={fontsize:.1}"),
            format!("width={:.2}", 0.3 + 1.2 * scale),
            format!("height={:.2}", 0.2 + 0.4 * scale),
            "style=\"dashed,filled\"".to_string(),
            format!("fillcolor=\"{}\"", hex_color(lighten(first))),
            format!("color=\"{}\"", hex_color(first)),
            "penwidth=1.4".to_string(),
            format!("fontcolor=\"{}\"", hex_color(MISSING_TEXT)),
        ]);
    } else {
        let fill = text_fill(&node.colors);
        // The old box's least size, now the text cell's (in points), so size still reads.
        let width = 72.0 * (0.3 + 1.2 * scale);
        let height = 72.0 * (0.2 + 0.4 * scale);
        let band = 4.0 + 4.0 * scale;
        attributes.extend([
            format!(
                "label={}",
                band_label(&node.colors, fill, &node.label, width, height, band)
            ),
            format!("tooltip=\"{}\"", escape::dot_tooltip(&node.tooltip)),
            format!("fontsize={fontsize:.1}"),
            "shape=plain".to_string(),
        ]);
    }
    let _ = writeln!(
        out,
        "{indent}{} [{}];",
        node_id(node.id),
        attributes.join(", ")
    );
}

/// The text of a missing paper, on its pale tint.
const MISSING_TEXT: Rgb = (0x22, 0x22, 0x22);

/// The fill behind a catalogue paper's name: a pale tint of its one mechanism colour, white for
/// several (the bands show them).
fn text_fill(colors: &[Rgb]) -> Rgb {
    match colors {
        [single] => lighter(*single, TINT),
        [] => lighter((153, 153, 153), TINT),
        _ => SEVERAL_FILL,
    }
}

/// An HTML-like label: a band of `colors` (one cell each, `band` points high) above the `lines`
/// in near-black on `fill`, the text cell at least `width` x `height` points, framed in dark
/// gray. Graphviz spreads the text cell's width over the band cells.
fn band_label(
    colors: &[Rgb],
    fill: Rgb,
    lines: &[String],
    width: f64,
    height: f64,
    band: f64,
) -> String {
    let colors: Vec<Rgb> = if colors.is_empty() {
        vec![(153, 153, 153)]
    } else {
        colors.to_vec()
    };
    let cells: String = colors
        .iter()
        .map(|&c| {
            format!(
                "<TD BGCOLOR=\"{}\" HEIGHT=\"{band:.0}\"></TD>",
                hex_color(c)
            )
        })
        .collect();
    let text: Vec<String> = lines.iter().map(|l| escape::dot_html(l)).collect();
    format!(
        "<<TABLE BORDER=\"1\" COLOR=\"#333333\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">\
         <TR>{cells}</TR><TR><TD COLSPAN=\"{}\" BGCOLOR=\"{}\" CELLPADDING=\"3\" WIDTH=\"{width:.0}\" \
         HEIGHT=\"{:.0}\"><FONT COLOR=\"{}\">{}</FONT></TD></TR></TABLE>>",
        colors.len(),
        hex_color(fill),
        (height - band).max(1.0),
        hex_color(TEXT),
        text.join("<BR/>")
    )
}

/// An sRGB colour as `mechanism_color` returns it.
type Rgb = (u8, u8, u8);

/// A pale tint of `color`, for the dashed missing papers.
fn lighten((r, g, b): (u8, u8, u8)) -> (u8, u8, u8) {
    let tint = |c: u8| (c as u16 + (255 - c as u16) * 3 / 4) as u8;
    (tint(r), tint(g), tint(b))
}

/// The timeline: one `rank=same` column a year, or with `wrap = Some(h)` columns of at most `h`
/// papers (a year with more gets several columns side by side, the later ones headed `(cont.)`).
fn write_year_groups(out: &mut String, nodes: &[Node<'_>], max_pagerank: f64, wrap: Option<usize>) {
    let mut by_year: BTreeMap<Option<i32>, Vec<&Node<'_>>> = BTreeMap::new();
    for node in nodes {
        by_year.entry(node.year).or_default().push(node);
    }
    // None sorts first in a BTreeMap; papers without a year go at the end of the timeline.
    let mut years: Vec<Option<i32>> = by_year.keys().copied().filter(Option::is_some).collect();
    if by_year.contains_key(&None) {
        years.push(None);
    }
    // (year, part): one column of the timeline.
    let mut columns: Vec<(Option<i32>, usize, Vec<&Node<'_>>)> = Vec::new();
    for &year in &years {
        let mut members = by_year.remove(&year).unwrap_or_default();
        // Neighbours in a column by community, so a wrapped year splits along its groups.
        members.sort_by_key(|n| (n.community, n.missing));
        let height = wrap.unwrap_or(members.len()).max(1);
        for (part, chunk) in members.chunks(height).enumerate() {
            columns.push((year, part, chunk.to_vec()));
        }
    }
    let year_id = |year: Option<i32>, part: usize| {
        let base = year.map_or_else(|| "unknown".to_string(), |y| y.to_string());
        if part == 0 {
            format!("\"year:{base}\"")
        } else {
            format!("\"year:{base}:{part}\"")
        }
    };
    out.push_str("  // The timeline: one column a year, kept in order by invisible edges.\n");
    out.push_str("  subgraph timeline {\n");
    out.push_str(
        "    node [shape=plaintext, style=\"\", fontsize=20, fontname=\"Helvetica-Bold\", fontcolor=\"#444444\"];\n",
    );
    out.push_str("    edge [style=invis, dir=none, weight=100];\n");
    for (year, part, _) in &columns {
        let mut label = year.map_or_else(|| "year unknown".to_string(), |y| y.to_string());
        if *part > 0 {
            label.push_str(" (cont.)");
        }
        let _ = writeln!(out, "    {} [label=\"{label}\"];", year_id(*year, *part));
    }
    if columns.len() > 1 {
        let chain: Vec<String> = columns.iter().map(|(y, p, _)| year_id(*y, *p)).collect();
        let _ = writeln!(out, "    {};", chain.join(" -> "));
    }
    out.push_str("  }\n");
    for (year, part, members) in &columns {
        let _ = writeln!(out, "  {{\n    rank=same;\n    {};", year_id(*year, *part));
        for node in members {
            write_node(out, node, max_pagerank, "    ");
        }
        out.push_str("  }\n");
    }
    out.push('\n');
}

fn write_community_groups(
    out: &mut String,
    analysis: &Analysis,
    nodes: &[Node<'_>],
    max_pagerank: f64,
) {
    let mut by_community: BTreeMap<u32, Vec<&Node<'_>>> = BTreeMap::new();
    let mut outside = Vec::new();
    for node in nodes {
        match node.community {
            Some(community) => by_community.entry(community).or_default().push(node),
            None => outside.push(node),
        }
    }
    let mut communities: Vec<(u32, Vec<&Node<'_>>)> = by_community.into_iter().collect();
    communities.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    for (community, members) in &communities {
        // Named as in the communities figure; its size and dominant mechanism are the whole
        // community's, as clusters.csv gives them (the drawn papers are a sample of it).
        let cluster = analysis.clusters.iter().find(|c| c.community == *community);
        let size = cluster.map_or(members.len(), |c| c.size.max(members.len()));
        let mostly = cluster
            .map(|c| c.dominant_mechanism.as_str())
            .filter(|m| !m.is_empty())
            .map(|m| format!(", mostly {m}"))
            .unwrap_or_default();
        let drawn = if members.len() == size {
            format!("{size} papers")
        } else {
            format!("{} of its {size} papers drawn", members.len())
        };
        let label = format!(
            "{}; {drawn}{mostly}",
            labels::community_name(analysis, *community),
        );
        let _ = writeln!(
            out,
            "  subgraph cluster_{community} {{\n    label=\"{}\";\n    style=rounded;\n    color=\"#bbbbbb\";\n    fontsize=16;",
            escape::dot(&label)
        );
        for node in members {
            write_node(out, node, max_pagerank, "    ");
        }
        out.push_str("  }\n");
    }
    for node in outside {
        write_node(out, node, max_pagerank, "  ");
    }
    out.push('\n');
}

/// The mechanism most of a community's catalogue papers carry.
fn write_legend(
    out: &mut String,
    analysis: &Analysis,
    palette: &Palette,
    with_missing: bool,
    several: bool,
) {
    out.push_str(
        "  subgraph cluster_legend {\n    label=\"Mechanism\";\n    style=rounded;\n    color=\"#999999\";\n    fontsize=16;\n",
    );
    out.push_str("    node [shape=plain, fontsize=16];\n");
    // One swatch a colour: the figures pool the rarer mechanisms under one grey, and the legend
    // says so rather than repeating the grey once per mechanism.
    let mut swatches: Vec<(Rgb, Vec<&GroupStats>)> = Vec::new();
    for mechanism in &analysis.mechanisms {
        let color = palette.color_of(&mechanism.name);
        match swatches.iter_mut().find(|(c, _)| *c == color) {
            Some((_, members)) => members.push(mechanism),
            None => swatches.push((color, vec![mechanism])),
        }
    }
    for (index, (color, members)) in swatches.iter().enumerate() {
        let names: Vec<String> = members
            .iter()
            .map(|m| labels::one_line(&crate::catalog::display_mechanism(&m.name)))
            .collect();
        let label = match members.as_slice() {
            [single] => format!("{} ({})", names[0], single.papers),
            _ => format!("{} other mechanisms", members.len()),
        };
        let _ = writeln!(
            out,
            "    \"legend:{index}\" [label={}, tooltip=\"{}\"];",
            band_label(&[*color], text_fill(&[*color]), &[label], 173.0, 29.0, 7.0),
            escape::dot_tooltip(&names.join(", ")),
        );
    }
    if several && swatches.len() > 1 {
        let colors: Vec<Rgb> = swatches.iter().take(2).map(|(c, _)| *c).collect();
        let _ = writeln!(
            out,
            "    \"legend:several\" [label={}, tooltip=\"one band a mechanism\"];",
            band_label(
                &colors,
                text_fill(&colors),
                &["several mechanisms".to_string()],
                173.0,
                29.0,
                7.0
            ),
        );
    }
    if with_missing {
        out.push_str(
            "    \"legend:missing\" [label=\"missing paper\", shape=box, style=\"dashed,filled\", fillcolor=\"#ffffff\", penwidth=1.4, width=2.4, height=0.4];\n",
        );
    }
    out.push_str("  }\n\n");
}

fn write_edges(out: &mut String, edges: &[EdgeRow], nodes: &[Node<'_>]) {
    let present: HashSet<&str> = nodes.iter().map(|n| n.id).collect();
    let mut seen = HashSet::new();
    for edge in edges {
        if edge.source == edge.target
            || !present.contains(edge.source.as_str())
            || !present.contains(edge.target.as_str())
            || !seen.insert((edge.source.as_str(), edge.target.as_str()))
        {
            continue;
        }
        let style = if edge.is_influential {
            " [color=\"#222222aa\", penwidth=1.1]"
        } else {
            ""
        };
        // Cited -> citing with dir=back (see the module comment).
        let _ = writeln!(
            out,
            "  {} -> {}{style};",
            node_id(&edge.target),
            node_id(&edge.source)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::EdgeRow;

    fn options(layout: &str) -> RenderOptions {
        RenderOptions {
            figures: vec!["all".into()],
            format: vec!["svg".into()],
            width: 1050,
            with_missing: 0,
            dot_layout: layout.into(),
            dot_all: false,
            ..RenderOptions::default()
        }
    }

    fn paper(id: &str, title: &str, year: i32, community: u32) -> PaperMetrics {
        PaperMetrics {
            paper_id: id.into(),
            title: title.into(),
            year: Some(year),
            in_catalog: true,
            mechanisms: vec!["Token Pruning".into()],
            pagerank: 0.1,
            community,
            ..Default::default()
        }
    }

    fn analysis() -> Analysis {
        Analysis {
            papers: vec![
                paper("a", "A \"quoted\" \\ title\nwith a break", 2020, 1),
                paper("b", "B", 2021, 2),
            ],
            mechanisms: vec![GroupStats {
                name: "Token Pruning".into(),
                papers: 2,
                ..Default::default()
            }],
            core_edges: vec![
                EdgeRow {
                    source: "b".into(),
                    target: "a".into(),
                    is_influential: true,
                },
                EdgeRow {
                    source: "b".into(),
                    target: "elsewhere".into(),
                    is_influential: false,
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn labels_are_escaped_and_edges_reversed_with_dir_back() {
        let dot = to_dot(&analysis(), &options("year"), &Palette::new(&analysis()));
        assert!(
            // The backslash four times: see `tooltip_text`.
            dot.contains(r#"tooltip="A \"quoted\" \\\\ title with a break (2020; Token Pruning)""#),
            "{dot}"
        );
        assert!(dot.contains("\"paper:a\" -> \"paper:b\""));
        assert!(
            !dot.contains("elsewhere"),
            "edges to absent nodes are dropped"
        );
        assert!(dot.contains("rank=same"));
    }

    #[test]
    fn community_layout_draws_clusters() {
        let dot = to_dot(
            &analysis(),
            &options("community"),
            &Palette::new(&analysis()),
        );
        assert!(dot.contains("subgraph cluster_1 {"));
        assert!(dot.contains("subgraph cluster_2 {"));
        assert!(dot.contains("subgraph cluster_legend {"));
        assert!(!dot.contains("rank=same"));
    }

    #[test]
    fn text_fills_contrast_for_every_palette_colour() {
        use crate::render::charts::palette::contrast_ratio;
        let mut analysis = analysis();
        analysis.mechanisms = (0..12)
            .map(|i| GroupStats {
                name: format!("m{i}"),
                papers: 20 - i,
                ..Default::default()
            })
            .collect();
        let palette = Palette::new(&analysis);
        let mut colors: Vec<Rgb> = palette.groups.iter().map(|g| g.color).collect();
        colors.push(palette.color_of(UNSPECIFIED));
        for color in &colors {
            let ratio = contrast_ratio(TEXT, text_fill(&[*color]));
            assert!(ratio >= MIN_TEXT_CONTRAST, "{color:?}: {ratio:.2}");
            let missing = contrast_ratio(MISSING_TEXT, lighten(*color));
            assert!(missing >= MIN_TEXT_CONTRAST, "{color:?}: {missing:.2}");
        }
        assert!(contrast_ratio(TEXT, text_fill(&colors)) >= MIN_TEXT_CONTRAST);
    }

    #[test]
    fn shared_labels_are_told_apart() {
        let name = |label: &str, title: &str, year| {
            (
                labels::wrap(label, LINE_CHARS, CATALOG_LINES),
                title.to_string(),
                year,
            )
        };
        let labels = distinct_labels(vec![
            name("DaTo", "Cached Adaptive Token Merging", Some(2024)),
            name("DaTo", "Token Pruning for Caching Better", Some(2024)),
            name("ToMe", "Token Merging", Some(2023)),
            name("ToMe", "Token Merging for speech", Some(2024)),
            name("Same", "Same", Some(2020)),
            name("Same", "Same", Some(2020)),
            name("Solo", "Solo", None),
        ]);
        assert_eq!(labels[0], vec!["Cached Adaptive Token", "Merging (2024)"]);
        assert_eq!(
            labels[1],
            vec!["Token Pruning for", "Caching Better (2024)"]
        );
        assert_eq!(labels[2], vec!["ToMe (2023)"]);
        assert_eq!(labels[3], vec!["ToMe (2024)"]);
        assert_eq!(labels[4], vec!["Same (2020)"]);
        assert_eq!(labels[5], vec!["Same (2020) #2"]);
        assert_eq!(labels[6], vec!["Solo"]);
    }

    #[test]
    fn several_mechanisms_draw_bands_over_one_light_fill() {
        let mut analysis = analysis();
        analysis.papers[0].mechanisms = vec!["Token Pruning".into(), "Token Merging".into()];
        analysis.mechanisms.push(GroupStats {
            name: "Token Merging".into(),
            papers: 1,
            ..Default::default()
        });
        let dot = to_dot(&analysis, &options("year"), &Palette::new(&analysis));
        let line = dot.lines().find(|l| l.contains("\"paper:a\" [")).unwrap();
        assert!(!line.contains("striped"), "{line}");
        assert_eq!(
            line.matches("HEIGHT=\"").count(),
            3,
            "two bands, one text cell: {line}"
        );
        assert!(line.contains("COLSPAN=\"2\" BGCOLOR=\"#ffffff\""), "{line}");
        assert!(dot.contains("\"legend:several\""));
    }
}
