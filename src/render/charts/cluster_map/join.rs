//! The cluster map's data: the map network's papers joined to their metrics (the links kept
//! between papers of the analysis, with a finite positive similarity), the clusters that get a
//! colour and a name, each paper's marker shape (the most common mechanisms, "Other", no badge,
//! foundation), the shapes the legend lists, and the layout of the linked papers
//! ([`super::place::layout`]).

use std::collections::{BTreeMap, HashMap};

use super::super::palette::{Palette, Rgb};
use super::{
    ClusterMap, Shape, CLUSTER_COLORS, COLORED_CLUSTERS, MIN_COLORED_PAPERS, OTHER_CLUSTER,
};
use crate::analysis::PaperMetrics;
use crate::layout::force;
use crate::render::labels::one_line;
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
    pub(super) community: u32,
    pub(super) pagerank: f64,
    pub(super) in_catalog: bool,
}

/// A coloured cluster.
pub(super) struct ColoredCluster {
    pub(super) community: u32,
    pub(super) color: Rgb,
    /// As the communities figure names it.
    pub(super) name: String,
    /// Its names at three lengths: full, two terms, one term ([`short_names`]).
    pub(super) short_names: [String; 3],
}

/// The names of cluster `id` at three lengths: its full name (`C3: adaptive kv; caching
/// eviction (EvoViT)`), `C3: ` with its first two distinctive terms, `C3: ` with the first one.
/// A cluster named after a paper (no distinctive term) has its full name at every length.
pub(super) fn short_names(view: &View<'_>, id: u32) -> [String; 3] {
    let full = view.community_name(id);
    let terms_part = view
        .analysis
        .clusters
        .iter()
        .find(|c| c.community == id && !c.terms.is_empty())
        .map(|cluster| {
            // The label is `term; term (short name)`; terms are letters, digits and hyphens,
            // so the last " (" starts the short name.
            let label = one_line(&cluster.label);
            match label.rfind(" (") {
                Some(i) if label.ends_with(')') => label[..i].to_string(),
                _ => label,
            }
        });
    let terms: Vec<&str> = terms_part
        .as_deref()
        .unwrap_or("")
        .split("; ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if terms.is_empty() {
        return [full.clone(), full.clone(), full];
    }
    let two = format!("C{id}: {}", terms[..terms.len().min(2)].join("; "));
    let one = format!("C{id}: {}", terms[0]);
    [full, two, one]
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
        let clusters = colored_clusters(view, &papers);
        let group_shape = group_shapes(palette);
        let nodes = join_nodes(&papers, &linked, &drawn, &clusters, &group_shape, palette);
        let shape_legend = shape_legend(&nodes, &group_shape, palette);
        let colored: Vec<u32> = clusters.iter().map(|c| c.community).collect();
        let mut other_ids: Vec<u32> = nodes
            .iter()
            .filter(|n| n.drawn && !colored.contains(&n.paper.community))
            .map(|n| n.paper.community)
            .collect();
        other_ids.sort_unstable();
        other_ids.dedup();
        let foundations = nodes.iter().filter(|n| !n.paper.in_catalog).count();
        let hidden = hide.then(|| nodes.iter().filter(|n| !n.drawn).count());
        let groups: Vec<u32> = nodes.iter().map(|n| n.paper.community).collect();
        let unit_positions = layout(&links, &linked, &groups);
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

/// The coloured clusters, largest first: clusters ranked by their number of map papers (hidden
/// ones included, so that `--hide-unspecified` does not change the colours), then by number;
/// the first [`COLORED_CLUSTERS`] with at least [`MIN_COLORED_PAPERS`] papers.
fn colored_clusters(view: &View<'_>, papers: &[&PaperMetrics]) -> Vec<ColoredCluster> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for p in papers {
        *counts.entry(p.community).or_default() += 1;
    }
    let mut ranked: Vec<(u32, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .iter()
        .take(COLORED_CLUSTERS)
        .filter(|&&(_, n)| n >= MIN_COLORED_PAPERS)
        .enumerate()
        .map(|(i, &(id, _))| ColoredCluster {
            community: id,
            color: CLUSTER_COLORS[i],
            name: view.community_name(id),
            short_names: short_names(view, id),
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

/// The map's nodes: each paper with its shape (a ring for a foundation, a cross for no badge,
/// its first group's shape, else a circle) and its cluster's colour.
fn join_nodes(
    papers: &[&PaperMetrics],
    linked: &[bool],
    drawn: &[bool],
    clusters: &[ColoredCluster],
    group_shape: &[Option<Shape>],
    palette: &Palette,
) -> Vec<Node> {
    let color_of: HashMap<u32, Rgb> = clusters.iter().map(|c| (c.community, c.color)).collect();
    papers
        .iter()
        .zip(linked)
        .zip(drawn)
        .map(|((&paper, &linked), &drawn)| {
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
                    community: paper.community,
                    pagerank: paper.pagerank,
                    in_catalog: paper.in_catalog,
                },
                shape,
                cluster_color: color_of
                    .get(&paper.community)
                    .copied()
                    .unwrap_or(OTHER_CLUSTER),
                linked,
                drawn,
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

/// ForceAtlas2 positions of the linked nodes in the unit square (NaN for the others); see the
/// documentation of [`super::place`]. Computed once, when the map is joined.
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
    // The linked nodes renumbered in order, so that their start order by (group, index) is
    // the one of the whole map.
    let mut local = vec![usize::MAX; n];
    for (k, &i) in members.iter().enumerate() {
        local[i] = k;
    }
    let groups: Vec<u32> = members.iter().map(|&i| group[i]).collect();
    let edges: Vec<(usize, usize, f64)> = links
        .iter()
        .map(|&(a, b, s)| (local[a], local[b], s))
        .collect();
    let settings = force::ForceAtlas2 {
        iterations: 300,
        repulsion: force::Repulsion::Pairwise,
    };
    let unit = force::Fit::UnitSquare.apply(&settings.positions(&groups, &edges));
    for (k, &i) in members.iter().enumerate() {
        positions[i] = unit[k];
    }
    positions
}
