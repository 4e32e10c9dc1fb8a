//! The interactive citation map of `report.html`: the catalogue papers and the top missing papers
//! as an SVG (`id="citation-map"`, one `<g data-paper="ID">` a paper), placed by ForceAtlas2,
//! coloured by mechanism, sized by PageRank, with every citation among them as a thin line and
//! the missing papers dashed.
//!
//! Positions are computed in Rust by [`crate::layout::force`] (ForceAtlas2, the `fa2` crate:
//! Jacomy, Venturini, Heymann and Bastian 2014, PLoS ONE 9(6): e98679) on the undirected
//! citation graph with strong gravity, from deterministic start positions (each community on its
//! own arc of a circle), single-threaded: the same analysis gives the same map byte for byte.
//! 300 iterations with pairwise repulsion up to 1,000 papers (O(iterations x n^2)), 120 with
//! Barnes-Hut above (O(iterations x n log n)). The crate's code is generic, so it runs at
//! citegraph's own optimisation level: fast in release, seconds in a debug build
//! (`benches/map_open.rs`). Names are placed by [`crate::layout::labels`].
//!
//! Everything a reader does with the map (pan, zoom, the card on hover or focus, highlighting a
//! paper's references and citers, the filters, the search box, the keyboard) is done by
//! `map.js`, inlined once and allowed by the page's Content-Security-Policy through its SHA-256
//! ([`script_hash`]), never by `'unsafe-inline'`. The script reads the papers from escaped
//! `data-*` attributes and writes only text (`textContent`), so no catalogue or API string can
//! become markup. No request leaves the page.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{charts, escape, hex_color, labels, View};
use crate::analysis::{Analysis, UNCERTAIN};
use crate::layout::force;
use crate::layout::labels::{Bounds, Candidates, Placement};

/// The script behind the map, inlined verbatim (its hash goes into the CSP).
pub const SCRIPT: &str = include_str!("map.js");
/// The map's styles.
const STYLE: &str = include_str!("map.css");

/// Missing papers drawn on the map besides the catalogue papers.
pub const MAP_MISSING: usize = 20;

/// The map's drawing area in SVG user units.
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 640.0;
/// Papers with a label on the map (by PageRank); the others show it in their card.
const LABELLED: usize = 20;
/// Margin kept free around the outermost node centres.
const MARGIN: f64 = 24.0;

/// Font size of the map's labels, in SVG units (`.map-node text` in `map.css`).
const LABEL_SIZE: f64 = 9.0;

/// Where the map's names go: a name's candidate spots are its box centred above its circle,
/// then below it; a spot is free when its box overlaps no name placed, and free spots cost
/// nothing, so the first free one wins.
struct AboveOrBelow;

impl Placement for AboveOrBelow {
    /// The name's box and its baseline.
    type Spot = (Bounds, f64);

    fn conflicts(&self, a: &Self::Spot, b: &Self::Spot) -> bool {
        a.0.overlaps(&b.0)
    }

    fn cost(&self, _spot: &Self::Spot, _placed: &[Self::Spot]) -> f64 {
        0.0
    }
}

/// Where the labels go: the papers of `order` (most influential first) each get their name
/// centred above their circle, or below it when above would overlap a label already placed,
/// or none when both would (the card still names it); at most [`LABELLED`] labels, taken down
/// the order past the papers skipped. Returns the label's anchor (centre, baseline) per node.
fn place_labels(
    nodes: &[MapNode],
    positions: &[(f64, f64)],
    order: &[usize],
    radius_of: impl Fn(&MapNode) -> f64,
) -> HashMap<usize, (f64, f64)> {
    let mut placed: Vec<(Bounds, f64)> = Vec::new();
    let mut at = HashMap::new();
    for &i in order {
        if at.len() == LABELLED {
            break;
        }
        let node = &nodes[i];
        let (x, y) = positions[i];
        let radius = radius_of(node);
        let label = labels::paper_label(node.abbreviation, node.title);
        let half = charts::svg_text_width(&label, LABEL_SIZE, false) / 2.0 + 1.5;
        let above = y - radius - 3.0;
        let below = y + radius + 3.0 + LABEL_SIZE * 0.8;
        let spots = [above, below]
            .into_iter()
            .map(|baseline| {
                let bounds = Bounds {
                    x0: x - half,
                    y0: baseline - LABEL_SIZE * 0.85,
                    x1: x + half,
                    y1: baseline + 2.0,
                };
                (bounds, baseline)
            })
            .collect();
        let candidates = Candidates {
            spots,
            floor: f64::INFINITY,
        };
        if let Some((_, spot)) = AboveOrBelow.cheapest([candidates], &placed) {
            at.insert(i, (x, spot.1));
            placed.push(spot);
        }
    }
    at
}

/// `'sha256-BASE64'` of [`SCRIPT`], for `script-src` in the Content-Security-Policy.
pub fn script_hash() -> String {
    format!(
        "'sha256-{}'",
        super::escape::base64(&Sha256::digest(SCRIPT.as_bytes()))
    )
}

/// One paper on the map.
struct MapNode<'a> {
    id: &'a str,
    title: &'a str,
    abbreviation: Option<&'a str>,
    year: Option<i32>,
    venue: Option<&'a str>,
    mechanisms: Vec<String>,
    community: Option<u32>,
    pagerank: f64,
    catalog_citations: u32,
    url: Option<String>,
    missing: bool,
}

/// The papers of the map: catalogue papers in the analysis' order, then the top missing papers.
fn collect<'a>(view: &View<'a>, with_missing: usize) -> Vec<MapNode<'a>> {
    let analysis = view.analysis;
    let mut seen = HashSet::new();
    let mut nodes = Vec::new();
    for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
        if !seen.insert(paper.paper_id.as_str()) {
            continue;
        }
        nodes.push(MapNode {
            id: &paper.paper_id,
            title: &paper.title,
            abbreviation: paper.abbreviation.as_deref(),
            year: paper.year,
            venue: paper.venue.as_deref(),
            mechanisms: if paper.mechanisms.is_empty() {
                vec![crate::catalog::UNSPECIFIED.to_string()]
            } else {
                paper.mechanisms.clone()
            },
            community: Some(paper.community),
            pagerank: paper.pagerank,
            catalog_citations: paper.catalog_citations,
            url: Some(format!(
                "https://www.semanticscholar.org/paper/{}",
                escape::url_safe(&paper.paper_id)
            )),
            missing: false,
        });
    }
    for missing in view.top_missing(with_missing) {
        if !seen.insert(missing.paper_id.as_str()) {
            continue;
        }
        let m = view.paper(&missing.paper_id);
        let url = missing.url.trim();
        let lower = url.to_ascii_lowercase();
        nodes.push(MapNode {
            id: &missing.paper_id,
            title: &missing.title,
            abbreviation: None,
            year: missing.year,
            venue: missing.venue.as_deref(),
            mechanisms: vec![missing.predicted_mechanism.clone()],
            community: m.map(|m| m.community),
            pagerank: m.map_or(0.0, |m| m.pagerank),
            catalog_citations: m.map_or(0, |m| m.catalog_citations),
            url: (lower.starts_with("https://") || lower.starts_with("http://"))
                .then(|| escape::url_safe(url)),
            missing: true,
        });
    }
    nodes
}

/// Height of the band at the bottom of the map where the papers with no citation among the
/// map's papers sit, in SVG units (when there is one).
const ISOLATED_BAND: f64 = 56.0;
/// How much more one axis may be stretched than the other to fill the frame.
const MAX_STRETCH: f64 = 1.6;

/// Positions in the drawing area for `n` nodes joined by `edges` (index pairs, direction
/// ignored, duplicates, self-loops and indices past `n` dropped). The nodes with a link are laid
/// out by ForceAtlas2 (deterministic: start positions on a circle ordered by `group`, community;
/// 0 past its end; single-threaded iterations: 300 with pairwise repulsion up to 1,000 nodes,
/// 120 with Barnes-Hut above), rotated so that their widest spread is horizontal and scaled to
/// fill the frame (2nd to 98th percentile of each axis, one axis stretched at most
/// [`MAX_STRETCH`] times the other). The nodes without a link have no place by links: they sit in
/// rows in a band at the bottom ([`ISOLATED_BAND`]), ordered by group, never stacked in a corner.
pub fn layout(n: usize, edges: &[(usize, usize)], group: &[u32]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let groups: Vec<u32> = (0..n).map(|i| group.get(i).copied().unwrap_or(0)).collect();
    let mut seen = HashSet::new();
    let mut linked = vec![false; n];
    let mut unique = Vec::with_capacity(edges.len());
    for &(a, b) in edges {
        let key = (a.min(b), a.max(b));
        if a != b && a < n && b < n && seen.insert(key) {
            unique.push((key.0, key.1, 1.0));
            linked[a] = true;
            linked[b] = true;
        }
    }
    let members: Vec<usize> = (0..n).filter(|&i| linked[i]).collect();
    let isolated: Vec<usize> = {
        let mut list: Vec<usize> = (0..n).filter(|&i| !linked[i]).collect();
        list.sort_by_key(|&i| (groups[i], i));
        list
    };
    let band = if isolated.is_empty() {
        0.0
    } else {
        ISOLATED_BAND
    };
    let mut positions = vec![(WIDTH / 2.0, (HEIGHT - band) / 2.0); n];
    if !members.is_empty() {
        let mut local = vec![usize::MAX; n];
        for (k, &i) in members.iter().enumerate() {
            local[i] = k;
        }
        let local_edges: Vec<(usize, usize, f64)> = unique
            .iter()
            .map(|&(a, b, w)| (local[a], local[b], w))
            .collect();
        let local_groups: Vec<u32> = members.iter().map(|&i| groups[i]).collect();
        let settings = if members.len() <= 1_000 {
            force::ForceAtlas2 {
                iterations: 300,
                repulsion: force::Repulsion::Pairwise,
            }
        } else {
            force::ForceAtlas2 {
                iterations: 120,
                repulsion: force::Repulsion::BarnesHut,
            }
        };
        let mut placed = settings.positions(&local_groups, &local_edges);
        crate::layout::vos::principal_axes(&mut placed);
        let fitted = fill_frame(&placed, WIDTH, HEIGHT - band, MARGIN);
        for (k, &i) in members.iter().enumerate() {
            positions[i] = fitted[k];
        }
    }
    // The band: rows 16 units apart, as many a row as fit.
    let per_row = ((WIDTH - 2.0 * MARGIN) / 16.0).floor().max(1.0) as usize;
    for (k, &i) in isolated.iter().enumerate() {
        let (row, col) = (k / per_row, k % per_row);
        positions[i] = (
            MARGIN + 8.0 + 16.0 * col as f64,
            (HEIGHT - band + 22.0 + 16.0 * row as f64).min(HEIGHT - 6.0),
        );
    }
    positions
}

/// `positions` scaled into a `width` x `height` area: the 2nd to 98th percentile of each axis
/// ([`force::percentile_range`]) spans the area less `margin` on each side, one axis stretched
/// at most [`MAX_STRETCH`] times the other (the rest centred); positions beyond are clamped to
/// `margin / 2` from the edges.
fn fill_frame(positions: &[(f64, f64)], width: f64, height: f64, margin: f64) -> Vec<(f64, f64)> {
    let (min_x, max_x) = force::percentile_range(positions.iter().map(|p| p.0).collect());
    let (min_y, max_y) = force::percentile_range(positions.iter().map(|p| p.1).collect());
    let span_x = (max_x - min_x).max(1e-9);
    let span_y = (max_y - min_y).max(1e-9);
    let mut sx = (width - 2.0 * margin) / span_x;
    let mut sy = (height - 2.0 * margin) / span_y;
    if sx > sy * MAX_STRETCH {
        sx = sy * MAX_STRETCH;
    } else if sy > sx * MAX_STRETCH {
        sy = sx * MAX_STRETCH;
    }
    let (ox, oy) = ((width - span_x * sx) / 2.0, (height - span_y * sy) / 2.0);
    positions
        .iter()
        .map(|&(x, y)| {
            (
                (ox + (x - min_x) * sx).clamp(margin / 2.0, width - margin / 2.0),
                (oy + (y - min_y) * sy).clamp(margin / 2.0, height - margin / 2.0),
            )
        })
        .collect()
}

/// A number with one decimal, for coordinates.
fn coord(value: f64) -> String {
    format!("{value:.1}")
}

/// The fill of a missing paper whose neighbours point to no mechanism clearly: hatched gray, as
/// in the missing-papers figure.
const UNCERTAIN_PATTERN: &str = "citation-map-uncertain";
/// The gray of that hatch (the figures' muted gray).
const UNCERTAIN_COLOR: charts::palette::Rgb = charts::palette::MUTED;
/// The legend's names for the palette's shared gray and for the hatch, as the missing-papers
/// figure gives them.
const OTHER_LABEL: &str = "Other mechanisms";
const UNCERTAIN_LABEL: &str = "Uncertain (none clear)";

/// A paper's fill on the map: its first mechanism's colour from the render's [`charts::Palette`]
/// (the one the figures and the DOT use), or the uncertain hatch.
fn fill_of(node: &MapNode<'_>, palette: &charts::Palette) -> String {
    let first = node.mechanisms.first().map_or("", String::as_str);
    if node.missing && first == UNCERTAIN {
        format!("url(#{UNCERTAIN_PATTERN})")
    } else {
        hex_color(palette.color_of(first))
    }
}

/// The map's legend: (fill, name, extra swatch class), one entry for each distinct fill of
/// `nodes` and no other, in the palette's order (named mechanisms, "Other mechanisms",
/// "Unspecified"), then the uncertain hatch. Names come from [`charts::Palette`]'s legend, so
/// they are the figures' names; the palette's "Other" becomes "Other mechanisms" as in the
/// missing-papers figure.
fn legend(
    nodes: &[MapNode<'_>],
    fills: &[String],
    palette: &charts::Palette,
) -> Vec<(String, String, &'static str)> {
    let firsts: Vec<&str> = nodes
        .iter()
        .zip(fills)
        .filter(|(_, fill)| !fill.starts_with("url("))
        .map(|(n, _)| n.mechanisms.first().map_or("", String::as_str))
        .collect();
    let mut entries: Vec<(String, String, &'static str)> = palette
        .legend_for(firsts.iter().copied())
        .into_iter()
        .map(|(label, color)| {
            let label = if label == "Other" {
                OTHER_LABEL.to_string()
            } else {
                label
            };
            (hex_color(color), label, "")
        })
        .collect();
    // A fill the palette's legend leaves out (`unspecified` under --hide-unspecified: the
    // figures drop those papers, the map still draws them) is named by its mechanism.
    for (node, fill) in nodes.iter().zip(fills) {
        if entries.iter().any(|e| &e.0 == fill) {
            continue;
        }
        let label = if fill.starts_with("url(") {
            UNCERTAIN_LABEL.to_string()
        } else {
            labels::mechanism_label(node.mechanisms.first().map_or("", String::as_str))
        };
        let class = if fill.starts_with("url(") {
            " uncertain"
        } else {
            ""
        };
        entries.push((fill.clone(), label, class));
    }
    entries
}

/// The section body: controls, the SVG, the card, the legend, and the script.
pub fn section(view: &View<'_>) -> String {
    section_with(view, MAP_MISSING)
}

/// [`section`] with `with_missing` missing papers (the benchmark draws bigger maps).
pub fn section_with(view: &View<'_>, with_missing: usize) -> String {
    let (analysis, palette) = (view.analysis, &view.palette);
    let nodes = collect(view, with_missing);
    let edges = citations(analysis, &nodes);
    let groups: Vec<u32> = nodes
        .iter()
        .map(|n| n.community.unwrap_or(u32::MAX))
        .collect();
    let positions = layout(nodes.len(), &edges, &groups);
    let fills: Vec<String> = nodes.iter().map(|n| fill_of(n, palette)).collect();
    let mut out = String::with_capacity(256 * nodes.len() + 128 * edges.len() + 16 * 1024);
    write_intro(&mut out, &nodes);
    write_controls(&mut out, view, &nodes);
    write_map(&mut out, view, &nodes, &edges, &positions, &fills);
    write_legend(&mut out, &nodes, &fills, palette);
    let _ = writeln!(out, "<script>{SCRIPT}</script>");
    out
}

/// The citations among the map's papers, as (citing, cited) node indices in the order of the
/// analysis' core edges, each pair once, self-citations left out.
fn citations(analysis: &Analysis, nodes: &[MapNode<'_>]) -> Vec<(usize, usize)> {
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut seen = HashSet::new();
    for edge in &analysis.core_edges {
        if let (Some(&s), Some(&t)) = (
            index.get(edge.source.as_str()),
            index.get(edge.target.as_str()),
        ) {
            if s != t && seen.insert((s, t)) {
                edges.push((s, t));
            }
        }
    }
    edges
}

/// The map's styles and the paragraph that says what it shows and how to use it.
fn write_intro(out: &mut String, nodes: &[MapNode<'_>]) {
    let _ = writeln!(out, "<style>\n{STYLE}</style>");
    let _ = writeln!(
        out,
        "<p>{} catalogue papers and {} missing papers (dashed) placed by ForceAtlas2: papers that \
         cite each other sit together. Colour: mechanism (the first, for papers with several); \
         size: PageRank; lines: citations. Drag to pan, scroll or use + and − to zoom; hover, \
         focus (Tab) or click a paper for its card; a click (or Enter) highlights the papers it \
         cites and the papers citing it.</p>",
        nodes.iter().filter(|n| !n.missing).count(),
        nodes.iter().filter(|n| n.missing).count()
    );
}

/// The controls: the search box, the mechanism, cluster and year filters, the zoom buttons and
/// the count of papers shown.
fn write_controls(out: &mut String, view: &View<'_>, nodes: &[MapNode<'_>]) {
    out.push_str("<div class=\"map-controls\" role=\"group\" aria-label=\"Map filters\">\n");
    out.push_str(
        "<label>Search <input type=\"search\" id=\"citation-map-search\" \
         placeholder=\"Title or abbreviation\" autocomplete=\"off\"></label>\n",
    );
    let mechanisms: Vec<&str> = {
        let mut names: Vec<&str> = view
            .analysis
            .mechanisms
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        for node in nodes {
            for m in &node.mechanisms {
                if !names.contains(&m.as_str()) {
                    names.push(m);
                }
            }
        }
        names
    };
    out.push_str("<label>Mechanism <select id=\"citation-map-mechanism\">\n<option value=\"\">All</option>\n");
    // The value matches the papers' data-mechanisms; the text is the legend's name.
    for name in &mechanisms {
        let _ = writeln!(
            out,
            "<option value=\"{}\">{}</option>",
            escape::html(&labels::one_line(name)),
            escape::html(&labels::mechanism_label(name))
        );
    }
    out.push_str("</select></label>\n");
    let mut communities: BTreeMap<u32, usize> = BTreeMap::new();
    for node in nodes.iter().filter(|n| !n.missing) {
        if let Some(c) = node.community {
            *communities.entry(c).or_default() += 1;
        }
    }
    let mut by_size: Vec<(u32, usize)> = communities.into_iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.push_str(
        "<label>Cluster <select id=\"citation-map-community\">\n<option value=\"\">All</option>\n",
    );
    for (community, size) in &by_size {
        let _ = writeln!(
            out,
            "<option value=\"{community}\">{} ({size} papers)</option>",
            escape::html(&view.community_name(*community))
        );
    }
    out.push_str("</select></label>\n");
    let years: Vec<i32> = nodes.iter().filter_map(|n| n.year).collect();
    let (first, last) = (
        years.iter().copied().min().unwrap_or(2000),
        years.iter().copied().max().unwrap_or(2000),
    );
    let _ = writeln!(
        out,
        "<label>Years <input type=\"number\" id=\"citation-map-from\" value=\"{first}\" min=\"{first}\" max=\"{last}\" aria-label=\"From year\">\
         – <input type=\"number\" id=\"citation-map-to\" value=\"{last}\" min=\"{first}\" max=\"{last}\" aria-label=\"To year\"></label>"
    );
    out.push_str(
        "<span class=\"map-zoom\"><button type=\"button\" id=\"citation-map-zoom-in\" aria-label=\"Zoom in\">+</button>\
         <button type=\"button\" id=\"citation-map-zoom-out\" aria-label=\"Zoom out\">−</button>\
         <button type=\"button\" id=\"citation-map-reset\">Reset</button></span>\n",
    );
    out.push_str("<output id=\"citation-map-count\" aria-live=\"polite\"></output>\n</div>\n");
}

/// The map itself (the citations as lines, then the papers) and its card.
fn write_map(
    out: &mut String,
    view: &View<'_>,
    nodes: &[MapNode<'_>],
    edges: &[(usize, usize)],
    positions: &[(f64, f64)],
    fills: &[String],
) {
    out.push_str("<div class=\"map-frame\">\n");
    let _ = writeln!(
        out,
        "<svg id=\"citation-map\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"application\" tabindex=\"0\" \
         aria-label=\"Citation map: {} papers. Tab moves between papers, Enter highlights one, \
         arrow keys pan, + and - zoom, Escape clears.\" aria-describedby=\"citation-map-card\">",
        nodes.len()
    );
    let _ = writeln!(
        out,
        "<defs><pattern id=\"{UNCERTAIN_PATTERN}\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#ffffff\"/>\
         <rect width=\"2\" height=\"4\" fill=\"{}\"/></pattern></defs>",
        hex_color(UNCERTAIN_COLOR)
    );
    out.push_str("<g class=\"map-viewport\">\n<g class=\"map-edges\">\n");
    for &(s, t) in edges {
        let (x1, y1) = positions[s];
        let (x2, y2) = positions[t];
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" data-source=\"{}\" data-target=\"{}\"/>",
            coord(x1),
            coord(y1),
            coord(x2),
            coord(y2),
            s,
            t
        );
    }
    out.push_str("</g>\n<g class=\"map-nodes\">\n");
    let labels_at = write_nodes(out, view, nodes, positions, fills);
    // Every paper's label, over the edges and the circles; map.js shows them by importance with
    // collision avoidance at each zoom level (those placed here are shown without the script).
    out.push_str("</g>\n<g class=\"map-labels\" aria-hidden=\"true\">\n");
    for (i, node) in nodes.iter().enumerate() {
        let (x, y) = labels_at.get(&i).copied().unwrap_or(positions[i]);
        let _ = writeln!(
            out,
            "<text class=\"map-label{}\" data-for=\"{i}\" x=\"{}\" y=\"{}\">{}</text>",
            if labels_at.contains_key(&i) {
                " is-shown"
            } else {
                ""
            },
            coord(x),
            coord(y),
            escape::html(&labels::paper_label(node.abbreviation, node.title))
        );
    }
    out.push_str("</g>\n</g>\n</svg>\n");
    out.push_str(
        "<aside id=\"citation-map-card\" class=\"map-card\" aria-live=\"polite\">\
         <p class=\"map-card-hint\">Hover, focus or click a paper to see its card.</p></aside>\n",
    );
    out.push_str("</div>\n");
}

/// One paper as drawn: its circle, its fill, its cluster's name.
struct DrawnNode<'a> {
    position: (f64, f64),
    radius: f64,
    fill: &'a str,
    cluster: String,
}

/// The papers, largest first so that small ones are drawn last and never hidden, each sized by
/// the square root of its PageRank over the largest (radius 3.5 to 14). Returns where the most
/// influential papers' labels go before the script places them ([`place_labels`]).
fn write_nodes(
    out: &mut String,
    view: &View<'_>,
    nodes: &[MapNode<'_>],
    positions: &[(f64, f64)],
    fills: &[String],
) -> HashMap<usize, (f64, f64)> {
    let max_pagerank = nodes
        .iter()
        .map(|n| n.pagerank)
        .filter(|p| p.is_finite())
        .fold(0.0_f64, f64::max);
    // Small papers drawn last so big ones never hide them.
    let mut draw_order: Vec<usize> = (0..nodes.len()).collect();
    draw_order.sort_by(|&a, &b| {
        nodes[b]
            .pagerank
            .total_cmp(&nodes[a].pagerank)
            .then(a.cmp(&b))
    });
    let radius_of = |node: &MapNode| {
        let scale = if max_pagerank > 0.0 && node.pagerank.is_finite() && node.pagerank > 0.0 {
            (node.pagerank / max_pagerank).sqrt().min(1.0)
        } else {
            0.0
        };
        3.5 + 10.5 * scale
    };
    let labels_at = place_labels(nodes, positions, &draw_order, radius_of);
    for i in draw_order {
        let node = &nodes[i];
        let drawn = DrawnNode {
            position: positions[i],
            radius: radius_of(node),
            fill: &fills[i],
            cluster: node
                .community
                .map(|c| view.community_name(c))
                .unwrap_or_default(),
        };
        write_node(out, i, node, &drawn);
    }
    labels_at
}

/// Paper `i`: a group carrying its card's data and its circle (its label is in the labels layer).
fn write_node(out: &mut String, i: usize, node: &MapNode<'_>, drawn: &DrawnNode<'_>) {
    let (x, y) = drawn.position;
    let radius = drawn.radius;
    let fill = drawn.fill;
    let title = labels::one_line(node.title);
    let year = node.year.map_or_else(String::new, |y| y.to_string());
    let _ = write!(
        out,
        "<g class=\"map-node{}\" data-index=\"{i}\" data-paper=\"{}\" data-title=\"{}\" data-abbr=\"{}\" \
         data-year=\"{year}\" data-venue=\"{}\" data-mechanisms=\"{}\" data-community=\"{}\" data-cluster=\"{}\" \
         data-pagerank=\"{:.3e}\" data-citations=\"{}\" data-url=\"{}\" tabindex=\"0\" role=\"button\" \
         aria-label=\"{}\">",
        if node.missing { " is-missing" } else { "" },
        escape::html(node.id),
        escape::html(&title),
        escape::html(&labels::one_line(node.abbreviation.unwrap_or(""))),
        escape::html(&labels::one_line(node.venue.unwrap_or(""))),
        escape::html(
            &node
                .mechanisms
                .iter()
                .map(|m| labels::one_line(m))
                .collect::<Vec<_>>()
                .join("\t")
        ),
        node.community.map_or_else(String::new, |c| c.to_string()),
        escape::html(&drawn.cluster),
        if node.pagerank.is_finite() { node.pagerank } else { 0.0 },
        node.catalog_citations,
        node.url.as_deref().map(escape::html).unwrap_or_default(),
        escape::html(&format!(
            "{title}{}{}",
            if year.is_empty() { "" } else { ", " },
            year
        )),
    );
    let _ = write!(
        out,
        "<circle cx=\"{}\" cy=\"{}\" r=\"{:.1}\" fill=\"{fill}\"/>",
        coord(x),
        coord(y),
        radius
    );
    out.push_str("</g>\n");
}

/// The legend: one entry for each fill on the map, named as the figures name it, and the
/// missing papers' dashed ring.
fn write_legend(
    out: &mut String,
    nodes: &[MapNode<'_>],
    fills: &[String],
    palette: &charts::Palette,
) {
    out.push_str("<ul class=\"map-legend\" aria-label=\"Mechanism colours\">\n");
    for (fill, label, class) in legend(nodes, fills, palette) {
        let _ = writeln!(
            out,
            "<li data-fill=\"{}\"><span class=\"swatch{class}\"{}></span>{}</li>",
            escape::html(&fill),
            if class.is_empty() {
                format!(" style=\"background:{}\"", escape::html(&fill))
            } else {
                String::new()
            },
            escape::html(&label)
        );
    }
    out.push_str(
        "<li><span class=\"swatch missing\"></span>Missing paper (in scope; fill: its predicted mechanism)</li>\n</ul>\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(abbreviation: &str) -> MapNode<'_> {
        MapNode {
            id: abbreviation,
            title: abbreviation,
            abbreviation: Some(abbreviation),
            year: None,
            venue: None,
            mechanisms: Vec::new(),
            community: None,
            pagerank: 0.0,
            catalog_citations: 0,
            url: None,
            missing: false,
        }
    }

    /// Labels never overlap: on a crowded spot the first paper's name goes above, the second's
    /// below, the third gets none, and the next paper elsewhere still gets its label.
    #[test]
    fn labels_go_above_below_or_not_at_all() {
        let names = ["EViT", "ToMe", "DynamicViT", "LTP"];
        let nodes: Vec<MapNode> = names.iter().map(|n| node(n)).collect();
        let positions = vec![
            (100.0, 100.0),
            (102.0, 101.0),
            (101.0, 99.0),
            (400.0, 300.0),
        ];
        let at = place_labels(&nodes, &positions, &[0, 1, 2, 3], |_| 5.0);
        assert_eq!(at.get(&0), Some(&(100.0, 92.0)));
        assert!(at[&1].1 > 101.0, "below its circle: {:?}", at[&1]);
        assert!(!at.contains_key(&2));
        assert_eq!(at.get(&3), Some(&(400.0, 292.0)));
        // At most LABELLED labels, far apart or not.
        let many: Vec<MapNode> = (0..40).map(|_| node("X")).collect();
        let spread: Vec<(f64, f64)> = (0..40).map(|i| (20.0 * i as f64, 50.0)).collect();
        let order: Vec<usize> = (0..40).collect();
        assert_eq!(
            place_labels(&many, &spread, &order, |_| 3.5).len(),
            LABELLED
        );
    }

    #[test]
    fn layout_is_deterministic_and_inside_the_frame() {
        let edges: Vec<(usize, usize)> = (1..40).map(|i| (i, i / 2)).collect();
        let groups: Vec<u32> = (0..40).map(|i| (i % 3) as u32).collect();
        let a = layout(40, &edges, &groups);
        let b = layout(40, &edges, &groups);
        assert_eq!(a, b);
        for &(x, y) in &a {
            assert!(
                (0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y),
                "{x},{y}"
            );
        }
        // Linked papers end closer together than the average pair.
        let distance =
            |i: usize, j: usize| ((a[i].0 - a[j].0).powi(2) + (a[i].1 - a[j].1).powi(2)).sqrt();
        let linked: f64 =
            edges.iter().map(|&(i, j)| distance(i, j)).sum::<f64>() / edges.len() as f64;
        let mut all = 0.0;
        for i in 0..40 {
            for j in 0..40 {
                all += distance(i, j);
            }
        }
        all /= 1600.0;
        assert!(linked < all * 0.7, "linked {linked}, all {all}");
    }

    /// Each distinct fill of the map's nodes, and the legend's (fill, name) entries.
    fn fills_and_legend(html: &str) -> (Vec<String>, Vec<(String, String)>) {
        let legend_at = html.find("<ul class=\"map-legend\"").unwrap();
        let mut drawn: Vec<String> = html[..legend_at]
            .split("<circle ")
            .skip(1)
            .map(|c| {
                let at = c.find("fill=\"").unwrap() + 6;
                c[at..at + c[at..].find('"').unwrap()].to_string()
            })
            .collect();
        drawn.sort();
        drawn.dedup();
        let legend = &html[legend_at..];
        let entries = legend
            .split("<li data-fill=\"")
            .skip(1)
            .map(|li| {
                let fill = li[..li.find('"').unwrap()].to_string();
                let name =
                    li[li.find("</span>").unwrap() + 7..li.find("</li>").unwrap()].to_string();
                (fill, name)
            })
            .collect();
        (drawn, entries)
    }

    #[test]
    fn the_legend_names_each_drawn_fill_once() {
        use crate::analysis::{GroupStats, PaperMetrics};
        let names: Vec<String> = (0..11).map(|m| format!("Mechanism {m}")).collect();
        let mut papers = Vec::new();
        for i in 0..60usize {
            papers.push(PaperMetrics {
                paper_id: format!("{i:040x}"),
                title: format!("Paper {i}"),
                in_catalog: true,
                // Eleven mechanisms (three past the palette's eight named ones); every 7th
                // paper has none.
                mechanisms: if i % 7 == 0 {
                    Vec::new()
                } else {
                    vec![names[i % 11].clone()]
                },
                pagerank: 1.0 / (1.0 + i as f64),
                community: (i % 3) as u32,
                ..Default::default()
            });
        }
        let analysis = Analysis {
            mechanisms: names
                .iter()
                .map(|m| GroupStats {
                    name: m.clone(),
                    papers: 5,
                    ..Default::default()
                })
                .collect(),
            papers,
            ..Default::default()
        };
        let full = charts::Palette::new(&analysis);
        let options = crate::render::RenderOptions::default();
        for palette in [full.clone(), full.without_unspecified()] {
            let mut view = View::new(&analysis, &options);
            view.palette = palette;
            let html = section(&view);
            let (drawn, entries) = fills_and_legend(&html);
            let mut legend_fills: Vec<String> = entries.iter().map(|e| e.0.clone()).collect();
            legend_fills.sort();
            assert_eq!(legend_fills, drawn, "one entry a drawn fill: {entries:?}");
            let other = entries.iter().find(|e| e.0 == "#717171").unwrap();
            assert_eq!(other.1, OTHER_LABEL);
            assert!(
                entries.iter().any(|e| e.1 == "Unspecified"),
                "papers without a badge are named even under --hide-unspecified: {entries:?}"
            );
        }
    }

    #[test]
    fn script_hash_is_base64_sha256() {
        let hash = script_hash();
        assert!(
            hash.starts_with("'sha256-") && hash.ends_with("='"),
            "{hash}"
        );
        assert_eq!(hash.len(), "'sha256-".len() + 44 + 1);
    }
}
