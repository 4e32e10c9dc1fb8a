//! The cluster map's data: the map network's papers joined to their metrics (the links kept
//! between papers of the analysis, with a finite positive similarity), the map's own clusters
//! (Leiden on the same links the map is laid out on: [`map_clusters`]), the clusters that get a
//! colour and a name, each paper's marker shape (the most common mechanisms, "Other", no badge,
//! foundation), the shapes the legend lists, and the VOS layout of the linked papers
//! ([`layout`]).
//!
//! Clusters: the unified approach of Waltman, van Eck and Noyons (2010, Journal of Informetrics
//! 4(4): 629-635), as VOSviewer: the similarity links (Salton's co-citation cosine + Salton's
//! coupling cosine) are normalised by association strength, and the linked map papers are
//! clustered by Leiden (modularity, the analysis' resolution) and laid out by VOS mapping
//! ([`crate::layout::vos`], each cluster drawn together) on those same links, so that each
//! colour is a region of the map. These are the
//! map's clusters, lettered A, B, ... by size (largest first), not the citation communities
//! (C0, C1, ...) of `clusters.csv`; each is named by the title terms most distinctive of its
//! papers against the other map papers ([`crate::analysis::distinctive_terms`]: stems merged,
//! names distinct), and the short name of its most influential catalogue paper.

use std::collections::{BTreeMap, HashMap};

use super::super::palette::{Palette, Rgb};
use super::{
    ClusterMap, Shape, CLUSTER_COLORS, COLORED_CLUSTERS, MIN_COLORED_PAPERS, OTHER_CLUSTER,
};
use crate::analysis::{distinctive_terms, PaperMetrics};
use crate::layout::vos;
use crate::metrics::{leiden_weighted, LeidenOptions};
use crate::render::labels::paper_label;
use crate::render::View;

/// The mechanisms with a marker shape of their own (the most common ones, in palette order);
/// other mechanisms are circles, papers without a mechanism badge crosses.
const SHAPED_MECHANISMS: usize = 4;

const SHAPES: [Shape; SHAPED_MECHANISMS] = [
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
    Shape::InvertedTriangle,
];

/// One map paper: what the figure needs of it, and how it is drawn.
pub(super) struct Node {
    pub(super) paper: MapPaper,
    pub(super) shape: Shape,
    pub(super) cluster_color: Rgb,
    pub(super) linked: bool,
    /// False for a paper hidden by `--hide-unspecified`.
    pub(super) drawn: bool,
}

/// What the map needs of a paper.
pub(super) struct MapPaper {
    pub(super) paper_id: String,
    /// Its map cluster (0 the largest; [`NO_CLUSTER`] for a paper without a link).
    pub(super) community: u32,
    pub(super) pagerank: f64,
    pub(super) in_catalog: bool,
    /// Its label on the map: the short name (abbreviation) or the start of its title.
    pub(super) label: String,
}

/// The map cluster of a paper with no similarity link.
pub const NO_CLUSTER: u32 = u32::MAX;

/// A coloured cluster.
pub(super) struct ColoredCluster {
    pub(super) community: u32,
    pub(super) color: Rgb,
    /// As the communities figure names it.
    pub(super) name: String,
    /// Its names at three lengths: full, two terms, one term ([`short_names`]).
    pub(super) short_names: [String; 3],
}

/// The letter of map cluster `index` (0 the largest): A to Z, then A2, B2, ...
pub fn cluster_letter(index: u32) -> String {
    let letter = char::from(b'A' + (index % 26) as u8);
    match index / 26 {
        0 => letter.to_string(),
        round => format!("{letter}{}", round + 1),
    }
}

/// The map's clusters: Leiden (modularity, the analysis' resolution, eight trials) on the
/// similarity `links` among the `n` papers normalised by association strength (the weights VOS
/// lays out: [`vos::association_strength`]), numbered 0 the largest; [`NO_CLUSTER`] for a
/// paper without a link. A refused run (it cannot be, for links that are checked positive and
/// finite) leaves every linked paper in one cluster.
pub(super) fn map_clusters(
    view: &View<'_>,
    n: usize,
    links: &[(usize, usize, f64)],
    linked: &[bool],
) -> Vec<u32> {
    let resolution = view.analysis.maps.resolution;
    let options = LeidenOptions {
        resolution: if resolution > 0.0 && resolution.is_finite() {
            resolution
        } else {
            1.0
        },
        ..LeidenOptions::default()
    };
    let edges: Vec<(u32, u32, f64)> = vos::association_strength(n, links)
        .iter()
        .map(|&(a, b, s)| (a.min(b) as u32, a.max(b) as u32, s))
        .collect();
    let labels = leiden_weighted(n, &edges, &options)
        .map(|p| p.labels)
        .unwrap_or_else(|_| vec![0; n]);
    // Renumber the linked papers' clusters by size (then first member), 0 the largest.
    let mut size: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for i in (0..n).filter(|&i| linked[i]) {
        let entry = size.entry(labels[i]).or_insert((0, i));
        entry.0 += 1;
    }
    let mut order: Vec<(u32, (usize, usize))> = size.into_iter().collect();
    order.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    let rank: HashMap<u32, u32> = order
        .iter()
        .enumerate()
        .map(|(r, &(label, _))| (label, r as u32))
        .collect();
    (0..n)
        .map(|i| {
            if linked[i] {
                rank[&labels[i]]
            } else {
                NO_CLUSTER
            }
        })
        .collect()
}

/// The names of the map clusters `0..count` at three lengths: full (`A: kv cache; eviction
/// (H2O)`: the letter, the two most distinctive title terms against the other linked map papers
/// and the short name of the cluster's most influential catalogue paper with one), two terms,
/// one term. A cluster without a distinctive term is named after its most influential paper.
fn cluster_names(papers: &[&PaperMetrics], clusters: &[u32], count: usize) -> Vec<[String; 3]> {
    let members: Vec<usize> = (0..papers.len())
        .filter(|&i| clusters[i] != NO_CLUSTER)
        .collect();
    let titles: Vec<&str> = members.iter().map(|&i| papers[i].title.as_str()).collect();
    let labels: Vec<u32> = members.iter().map(|&i| clusters[i]).collect();
    let terms = distinctive_terms(&titles, &labels, count);
    (0..count)
        .map(|c| {
            let mut in_cluster: Vec<&PaperMetrics> = members
                .iter()
                .filter(|&&i| clusters[i] == c as u32)
                .map(|&i| papers[i])
                .collect();
            in_cluster.sort_by(|a, b| {
                b.pagerank
                    .total_cmp(&a.pagerank)
                    .then_with(|| a.paper_id.cmp(&b.paper_id))
            });
            let letter = cluster_letter(c as u32);
            let words: Vec<&str> = terms[c].iter().map(|(t, _)| t.as_str()).collect();
            let short = in_cluster
                .iter()
                .filter(|p| p.in_catalog)
                .find_map(|p| p.abbreviation.as_deref().filter(|a| !a.trim().is_empty()));
            if words.is_empty() {
                let top = in_cluster
                    .first()
                    .map(|p| paper_label(p.abbreviation.as_deref(), &p.title))
                    .unwrap_or_default();
                let full = format!("{letter}: {top}");
                return [full.clone(), full.clone(), full];
            }
            let two = format!("{letter}: {}", words[..words.len().min(2)].join("; "));
            let full = match short {
                Some(short) if !two.contains(short) => format!("{two} ({short})"),
                _ => two.clone(),
            };
            [full, two, format!("{letter}: {}", words[0])]
        })
        .collect()
}

impl ClusterMap {
    /// The map of `analysis` with `palette`'s mechanism groups (its `--hide-unspecified`
    /// choice included): joined, coloured, shaped and laid out, ready to be placed at any width.
    pub fn new(view: &View<'_>, palette: &Palette) -> Self {
        let (papers, links) = join_network(view);
        let mut linked = vec![false; papers.len()];
        for &(a, b, _) in &links {
            linked[a] = true;
            linked[b] = true;
        }
        let hide = palette.hides_unspecified();
        let drawn: Vec<bool> = papers
            .iter()
            .map(|p| !(hide && p.in_catalog && Palette::is_unspecified(&p.mechanisms)))
            .collect();
        let map_cluster = map_clusters(view, papers.len(), &links, &linked);
        let clusters = colored_clusters(&papers, &map_cluster);
        let group_shape = group_shapes(palette);
        let nodes = join_nodes(
            &papers,
            &map_cluster,
            (&linked, &drawn),
            &clusters,
            &group_shape,
            palette,
        );
        let shape_legend = shape_legend(&nodes, &group_shape, palette);
        let colored: Vec<u32> = clusters.iter().map(|c| c.community).collect();
        let mut other_ids: Vec<u32> = nodes
            .iter()
            .filter(|n| n.drawn && n.linked && !colored.contains(&n.paper.community))
            .map(|n| n.paper.community)
            .collect();
        other_ids.sort_unstable();
        other_ids.dedup();
        let foundations = nodes.iter().filter(|n| !n.paper.in_catalog).count();
        let hidden = hide.then(|| nodes.iter().filter(|n| !n.drawn).count());
        let unit_positions = layout(&links, &linked, &map_cluster);
        ClusterMap {
            nodes,
            links,
            clusters,
            others: other_ids.len(),
            shape_legend,
            foundations,
            hidden,
            unit_positions,
        }
    }
}

/// The map network's papers found in the analysis, in the network's order, and the links
/// between them as (a, b, similarity) in that numbering: links to a paper the analysis lacks,
/// self-links and links of no finite positive similarity are dropped.
fn join_network<'a>(view: &View<'a>) -> (Vec<&'a PaperMetrics>, Vec<(usize, usize, f64)>) {
    let network = &view.analysis.map_network;
    let mut index = vec![None; network.papers.len()];
    let mut papers = Vec::new();
    for (i, id) in network.papers.iter().enumerate() {
        if let Some(p) = view.paper(id) {
            index[i] = Some(papers.len());
            papers.push(p);
        }
    }
    let links: Vec<(usize, usize, f64)> = network
        .links
        .iter()
        .filter_map(|l| {
            let a = (*index.get(l.a as usize)?)?;
            let b = (*index.get(l.b as usize)?)?;
            let s = l.similarity();
            (a != b && s.is_finite() && s > 0.0).then_some((a, b, s))
        })
        .collect();
    (papers, links)
}

/// The coloured clusters, largest first: the first [`COLORED_CLUSTERS`] map clusters (numbered
/// by size, hidden papers included, so that `--hide-unspecified` does not change the colours)
/// with at least [`MIN_COLORED_PAPERS`] papers, each with its names ([`cluster_names`]).
fn colored_clusters(papers: &[&PaperMetrics], map_cluster: &[u32]) -> Vec<ColoredCluster> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for &c in map_cluster.iter().filter(|&&c| c != NO_CLUSTER) {
        *counts.entry(c).or_default() += 1;
    }
    let count = counts.keys().next_back().map_or(0, |&c| c as usize + 1);
    let mut names = cluster_names(papers, map_cluster, count);
    counts
        .iter()
        .take(COLORED_CLUSTERS)
        .filter(|&(_, &n)| n >= MIN_COLORED_PAPERS)
        .enumerate()
        .map(|(i, (&id, _))| {
            let short_names = std::mem::take(&mut names[id as usize]);
            ColoredCluster {
                community: id,
                color: CLUSTER_COLORS[i],
                name: short_names[0].clone(),
                short_names,
            }
        })
        .collect()
}

/// The shape of each palette group's papers: the first [`SHAPED_MECHANISMS`] groups of one
/// mechanism get one of [`SHAPES`]; "Other" (several mechanisms) and "Unspecified" none.
fn group_shapes(palette: &Palette) -> Vec<Option<Shape>> {
    let mut group_shape: Vec<Option<Shape>> = vec![None; palette.groups.len()];
    for (g, group) in palette.groups.iter().enumerate().take(SHAPED_MECHANISMS) {
        // "Other" (several mechanisms) and "Unspecified" have no shape of their own.
        if group.members.len() == 1 && group.members[0] != crate::catalog::UNSPECIFIED {
            group_shape[g] = Some(SHAPES[g]);
        }
    }
    group_shape
}

/// The map's nodes: each paper with its map cluster, its shape (a ring for a foundation, a
/// cross for no badge, its first group's shape, else a circle) and its cluster's colour. `flags`:
/// (linked, drawn) of each paper.
fn join_nodes(
    papers: &[&PaperMetrics],
    map_cluster: &[u32],
    (linked, drawn): (&[bool], &[bool]),
    clusters: &[ColoredCluster],
    group_shape: &[Option<Shape>],
    palette: &Palette,
) -> Vec<Node> {
    let color_of: HashMap<u32, Rgb> = clusters.iter().map(|c| (c.community, c.color)).collect();
    papers
        .iter()
        .enumerate()
        .map(|(i, &paper)| {
            let shape = if !paper.in_catalog {
                Shape::Ring
            } else if Palette::is_unspecified(&paper.mechanisms) {
                Shape::Cross
            } else {
                palette
                    .groups_of(&paper.mechanisms)
                    .first()
                    .and_then(|&g| group_shape.get(g).copied().flatten())
                    .unwrap_or(Shape::Circle)
            };
            Node {
                paper: MapPaper {
                    paper_id: paper.paper_id.clone(),
                    community: map_cluster[i],
                    pagerank: paper.pagerank,
                    in_catalog: paper.in_catalog,
                    label: paper_label(paper.abbreviation.as_deref(), &paper.title),
                },
                shape,
                cluster_color: color_of
                    .get(&map_cluster[i])
                    .copied()
                    .unwrap_or(OTHER_CLUSTER),
                linked: linked[i],
                drawn: drawn[i],
            }
        })
        .collect()
}

/// The shapes the legend lists, with their names: the shaped mechanisms in palette order, then
/// other mechanisms, no badge, foundations; only the shapes of drawn papers.
fn shape_legend(
    nodes: &[Node],
    group_shape: &[Option<Shape>],
    palette: &Palette,
) -> Vec<(String, Shape)> {
    let used = |shape: Shape| nodes.iter().any(|n| n.drawn && n.shape == shape);
    let mut shape_legend = Vec::new();
    for (g, shape) in group_shape.iter().enumerate() {
        if let Some(shape) = *shape {
            if used(shape) {
                shape_legend.push((palette.groups[g].label.clone(), shape));
            }
        }
    }
    for (shape, name) in [
        (Shape::Circle, "Other"),
        (Shape::Cross, "Unspecified"),
        (Shape::Ring, "Foundation"),
    ] {
        if used(shape) {
            shape_legend.push((name.to_string(), shape));
        }
    }
    shape_legend
}

/// VOS positions ([`vos::vos_positions`], started with each map cluster on its own arc) of the
/// linked nodes, scaled into [0, 1] on x and [0, h] on y, keeping the aspect ratio (h, at most 1,
/// is the height over the width of the layout's extent: the layout is rotated so that its widest
/// spread is horizontal); NaN for the others. Computed once, when the map is joined.
pub(super) fn layout(
    links: &[(usize, usize, f64)],
    linked: &[bool],
    group: &[u32],
) -> Vec<(f64, f64)> {
    let n = linked.len();
    let mut positions = vec![(f64::NAN, f64::NAN); n];
    let members: Vec<usize> = (0..n).filter(|&i| linked[i]).collect();
    if members.is_empty() {
        return positions;
    }
    let mut local = vec![usize::MAX; n];
    for (k, &i) in members.iter().enumerate() {
        local[i] = k;
    }
    let groups: Vec<u32> = members.iter().map(|&i| group[i]).collect();
    let edges: Vec<(usize, usize, f64)> = links
        .iter()
        .map(|&(a, b, s)| (local[a], local[b], s))
        .collect();
    let placed = vos::vos_positions(&groups, &edges);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &placed {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-12);
    for (k, &i) in members.iter().enumerate() {
        let (x, y) = placed[k];
        positions[i] = (
            (x - x0) / span + (1.0 - (x1 - x0) / span) / 2.0,
            (y - y0) / span,
        );
    }
    positions
}

/// The height over the width of the laid-out nodes' extent ([`layout`]'s h), 1 when there is
/// none.
pub(super) fn layout_aspect(positions: &[(f64, f64)]) -> f64 {
    positions
        .iter()
        .filter(|p| p.1.is_finite())
        .map(|p| p.1)
        .fold(None, |m: Option<f64>, y| Some(m.map_or(y, |m| m.max(y))))
        .filter(|&h| h > 0.0)
        .unwrap_or(1.0)
}
