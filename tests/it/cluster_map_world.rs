//! The cluster map on the real catalogue and the synthetic world: its similarity links equal an
//! independent count from edges.csv (co-citation and coupling, Salton's cosine, each paper's ten
//! most similar kept), and the figure places every map paper and names its clusters without
//! overlap.

use crate::analyze_support;

use std::collections::{HashMap, HashSet};

use analyze_support::analyze_world;
use citegraph::analysis::term_stem;
use citegraph::analysis::{MAP_FOUNDATIONS, MAP_NEIGHBOURS};
use citegraph::render::charts::{
    cluster_letter, draw_figures, plan_cluster_map, LegendKey, Palette, Shape, COLORED_CLUSTERS,
    MIN_COLORED_PAPERS, NAME_MAX_DISTANCE, SIDE_LEGEND_MIN_WIDTH,
};
use citegraph::render::{RenderOptions, View};

#[test]
fn map_links_equal_an_independent_count_and_the_figure_places_every_paper() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = analyze_world(dir.path(), &[]);
    let network = &analysis.map_network;
    let catalog = analysis.papers.iter().filter(|p| p.in_catalog).count();
    assert!(network.papers.len() <= catalog + MAP_FOUNDATIONS);
    assert!(network.papers.len() > catalog, "foundations are on the map");

    // Citers and references of every paper, from edges.csv.
    let mut citers: HashMap<String, HashSet<String>> = HashMap::new();
    let mut references: HashMap<String, HashSet<String>> = HashMap::new();
    let mut reader = csv::Reader::from_path(dir.path().join("edges.csv")).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let (source, target) = (record[0].to_string(), record[1].to_string());
        if source == target {
            continue;
        }
        citers
            .entry(target.clone())
            .or_default()
            .insert(source.clone());
        references.entry(source).or_default().insert(target);
    }
    let empty = HashSet::new();
    let salton = |sets: &HashMap<String, HashSet<String>>, a: &str, b: &str| -> f64 {
        let (x, y) = (sets.get(a).unwrap_or(&empty), sets.get(b).unwrap_or(&empty));
        let count = x.intersection(y).count();
        if count < 2 {
            0.0
        } else {
            count as f64 / ((x.len() * y.len()) as f64).sqrt()
        }
    };
    let n = network.papers.len();
    let mut pairs: HashMap<(usize, usize), f64> = HashMap::new();
    for (a, pa) in network.papers.iter().enumerate() {
        for (b, pb) in network.papers.iter().enumerate().skip(a + 1) {
            pairs.insert(
                (a, b),
                salton(&citers, pa, pb) + salton(&references, pa, pb),
            );
        }
    }
    let similarity = |a: usize, b: usize| pairs[&(a.min(b), a.max(b))];
    let mut kept = HashSet::new();
    for link in &network.links {
        let (a, b) = (link.a as usize, link.b as usize);
        let (pa, pb) = (&network.papers[a], &network.papers[b]);
        assert!(
            (link.cocitation - salton(&citers, pa, pb)).abs() < 1e-12,
            "co-citation of {pa} and {pb}"
        );
        assert!(
            (link.coupling - salton(&references, pa, pb)).abs() < 1e-12,
            "coupling of {pa} and {pb}"
        );
        kept.insert((a, b));
    }
    // A link is kept exactly when it is among the ten most similar of one of its ends (ties
    // broken by the other end's index).
    let mut expected = HashSet::new();
    for a in 0..n {
        let mut others: Vec<usize> = (0..n)
            .filter(|&b| b != a && similarity(a, b) > 0.0)
            .collect();
        others.sort_by(|&x, &y| {
            similarity(a, y)
                .total_cmp(&similarity(a, x))
                .then(x.cmp(&y))
        });
        for &b in others.iter().take(MAP_NEIGHBOURS) {
            expected.insert((a.min(b), a.max(b)));
        }
    }
    assert_eq!(kept, expected);

    // The figure: one marker per map paper, a name per coloured cluster, none overlapping.
    let palette = Palette::new(&analysis);
    let plan = plan_cluster_map(
        &View::new(&analysis, &RenderOptions::default()),
        &palette,
        1050,
    );
    assert_eq!(plan.markers.len(), n);
    let linked: HashSet<usize> = kept.iter().flat_map(|&(a, b)| [a, b]).collect();
    assert_eq!(
        plan.markers.iter().filter(|m| m.linked).count(),
        linked.len()
    );
    assert!(!plan.labels.is_empty());
    for (i, label) in plan.labels.iter().enumerate() {
        for other in &plan.labels[i + 1..] {
            assert!(!label.overlaps(other), "{label:?} overlaps {other:?}");
        }
    }
    // Names distinct across clusters: no word stem in two names' terms ("accelerated" and
    // "acceleration" are one stem), nor twice in one name.
    let stems = |name: &str| -> Vec<String> {
        let terms = name.split_once(": ").map_or(name, |(_, t)| t);
        let terms = terms.rfind(" (").map_or(terms, |i| &terms[..i]);
        terms
            .split("; ")
            .flat_map(|t| {
                term_stem(t)
                    .split(' ')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let names: Vec<Vec<String>> = plan.labels.iter().map(|l| stems(&l.name)).collect();
    for (i, a) in names.iter().enumerate() {
        let unique: HashSet<&String> = a.iter().collect();
        assert_eq!(unique.len(), a.len(), "{}", plan.labels[i].name);
        for (j, b) in names.iter().enumerate().skip(i + 1) {
            assert!(
                !a.iter().any(|s| b.contains(s)),
                "{} and {} share a stem",
                plan.labels[i].name,
                plan.labels[j].name
            );
        }
    }
    // The same for the citation communities' names (clusters.csv), the largest 20.
    let labels: Vec<Vec<String>> = analysis
        .clusters
        .iter()
        .take(20)
        .filter(|c| !c.terms.is_empty())
        .map(|c| stems(&c.label))
        .collect();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!a.iter().any(|s| b.contains(s)), "{a:?} / {b:?}");
        }
    }
}

/// The map's clusters are regions of it (the unified approach: the colours are the clusters of
/// the network that is laid out): most papers sit nearer their own cluster's centroid than any
/// other's, at one column and two. The key papers' labels overlap no name nor one another, and
/// the legend takes at most a third of the figure's height under the map.
#[test]
fn clusters_are_regions_and_labels_and_legend_stay_compact() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = analyze_world(dir.path(), &[]);
    let palette = Palette::new(&analysis);
    for width in [1050u32, 2100] {
        let plan = plan_cluster_map(
            &View::new(&analysis, &RenderOptions::default()),
            &palette,
            width,
        );
        let mut sums: HashMap<u32, (f64, f64, usize)> = HashMap::new();
        for m in plan.markers.iter().filter(|m| m.linked) {
            let e = sums.entry(m.community).or_default();
            *e = (e.0 + m.x, e.1 + m.y, e.2 + 1);
        }
        let centroids: HashMap<u32, (f64, f64)> = sums
            .iter()
            .filter(|(_, s)| s.2 >= 3)
            .map(|(&c, s)| (c, (s.0 / s.2 as f64, s.1 / s.2 as f64)))
            .collect();
        assert!(
            centroids.len() >= 3,
            "{width}: {} clusters",
            centroids.len()
        );
        let (mut nearer, mut counted) = (0, 0);
        for m in plan.markers.iter().filter(|m| m.linked) {
            let Some(&own) = centroids.get(&m.community) else {
                continue;
            };
            let d = |c: (f64, f64)| (m.x - c.0).hypot(m.y - c.1);
            counted += 1;
            if centroids
                .iter()
                .filter(|(&c, _)| c != m.community)
                .all(|(_, &c)| d(own) < d(c))
            {
                nearer += 1;
            }
        }
        assert!(
            nearer * 10 >= counted * 9,
            "{width}: only {nearer} of {counted} papers nearer their own cluster's centroid"
        );
        // Labels: the key papers are labelled, no label overlaps another or a name.
        assert!(
            plan.paper_labels.len() >= 6,
            "{width}: {:?}",
            plan.paper_labels
        );
        let boxes: Vec<_> = plan
            .labels
            .iter()
            .map(|l| l.bounds())
            .chain(plan.paper_labels.iter().map(|p| p.bounds()))
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{width}: {a:?} overlaps {b:?}");
            }
        }
        // The legend: compact.
        let (_, ly0, _, ly1) = plan.legend_area;
        let (_, y0, _, y1) = plan.plot;
        if f64::from(width) >= SIDE_LEGEND_MIN_WIDTH {
            assert!(
                ly1 - ly0 <= y1 - y0,
                "{width}: legend {:?}",
                plan.legend_area
            );
        } else {
            assert!(
                (ly1 - ly0) * 3.0 <= plan.height,
                "{width}: legend {} of {}",
                ly1 - ly0,
                plan.height
            );
        }
        // The plot fills its frame: the markers span most of both axes.
        let span = |f: fn(&citegraph::render::charts::PlacedMarker) -> f64| {
            let v: Vec<f64> = plan.markers.iter().filter(|m| m.linked).map(f).collect();
            v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
        };
        let (x0, _, x1, _) = plan.plot;
        assert!(
            span(|m| m.x) >= 0.8 * (x1 - x0) || span(|m| m.y) >= 0.8 * (y1 - y0),
            "{width}: the map leaves its frame empty"
        );
    }
}

/// The figure a reviewer reads, on the real catalogue and the world, at one column (1050 px)
/// and two (2100 px): markers whole inside the frame, compact names near their clusters that
/// hide few markers, a legend of the coloured clusters largest first, and `--hide-unspecified`
/// taking the papers without a mechanism badge off the map and out of the legend.
#[test]
fn the_map_keeps_markers_inside_names_near_and_lists_the_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = analyze_world(dir.path(), &[]);
    let palette = Palette::new(&analysis);
    let unspecified: HashSet<&str> = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog && Palette::is_unspecified(&p.mechanisms))
        .map(|p| p.paper_id.as_str())
        .collect();
    for width in [1050u32, 2100] {
        let plan = plan_cluster_map(
            &View::new(&analysis, &RenderOptions::default()),
            &palette,
            width,
        );
        let (x0, y0, x1, y1) = plan.plot;
        // Every marker whole inside the frame (its shape's reach and a 2 px white edge).
        for m in plan.markers.iter().filter(|m| m.linked) {
            let reach = m.reach() + 2.0;
            assert!(
                m.x - reach >= x0 && m.x + reach <= x1 && m.y - reach >= y0 && m.y + reach <= y1,
                "{width}: {m:?} is cut by the frame {:?}",
                plan.plot
            );
        }
        // Names: compact (one line: the id and the start of the full name), inside the plot,
        // apart, near their anchor, a marker of their own cluster.
        let near = NAME_MAX_DISTANCE * (x1 - x0).min(y1 - y0);
        assert!(plan.labels.len() >= 2);
        for (i, label) in plan.labels.iter().enumerate() {
            assert_eq!(label.lines.len(), 1, "{label:?}");
            let line = &label.lines[0];
            assert!(line.starts_with(&format!("{}: ", cluster_letter(label.community))));
            let cut = line.strip_suffix('…').unwrap_or(line);
            assert!(label.name.starts_with(cut), "{line} / {}", label.name);
            assert!(line.len() < label.name.len(), "{line} is not compact");
            assert!(
                label.x0 >= x0 && label.x1 <= x1 && label.y0 >= y0 && label.y1 <= y1,
                "{label:?} leaves the plot"
            );
            assert!(
                label.distance_to(label.anchor) <= near,
                "{width}: {label:?} is far from its cluster"
            );
            assert_eq!(label.leader, label.distance_to(label.anchor) > 0.0);
            assert!(plan
                .markers
                .iter()
                .any(|m| m.linked && m.community == label.community && (m.x, m.y) == label.anchor));
            for other in &plan.labels[i + 1..] {
                assert!(!label.overlaps(other), "{label:?} overlaps {other:?}");
            }
        }
        // The boxes hide few markers: at most one in 12 has its centre under a name.
        let linked: Vec<_> = plan.markers.iter().filter(|m| m.linked).collect();
        let hidden = linked
            .iter()
            .filter(|m| {
                plan.labels
                    .iter()
                    .any(|l| m.x > l.x0 && m.x < l.x1 && m.y > l.y0 && m.y < l.y1)
            })
            .count();
        assert!(
            hidden * 12 <= linked.len(),
            "{width}: {hidden} of {} markers under names",
            linked.len()
        );
        // The legend: the coloured clusters by their number of map papers (ties by number),
        // each in its markers' colour, then the other clusters in gray.
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for m in plan.markers.iter().filter(|m| m.linked) {
            *counts.entry(m.community).or_default() += 1;
        }
        let mut ranked: Vec<(u32, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let colours: Vec<_> = plan
            .legend
            .iter()
            .filter(|i| i.key == LegendKey::Colour)
            .collect();
        let coloured = ranked
            .iter()
            .take(COLORED_CLUSTERS)
            .filter(|r| r.1 >= MIN_COLORED_PAPERS)
            .count();
        let listed: Vec<Option<u32>> = colours.iter().map(|i| i.community).collect();
        let mut expected: Vec<Option<u32>> = ranked[..coloured].iter().map(|r| Some(r.0)).collect();
        if ranked.len() > coloured {
            expected.push(None);
        }
        assert_eq!(listed, expected);
        for item in &colours {
            let of_entry = |community: u32| match item.community {
                Some(c) => community == c,
                None => !ranked[..coloured].iter().any(|r| r.0 == community),
            };
            assert!(plan
                .markers
                .iter()
                .filter(|m| of_entry(m.community))
                .all(|m| m.color == item.color));
            if let Some(c) = item.community {
                assert!(
                    item.label.starts_with(&format!("{}: ", cluster_letter(c))),
                    "{item:?}"
                );
            } else {
                let others = ranked.len() - coloured;
                assert!(item.label.starts_with(&others.to_string()), "{item:?}");
            }
        }
        // The shapes: one entry per shape drawn, the crosses (no badge) among them.
        let drawn: HashSet<String> = plan
            .markers
            .iter()
            .map(|m| format!("{:?}", m.shape))
            .collect();
        let shapes: HashSet<String> = plan
            .legend
            .iter()
            .filter_map(|i| match i.key {
                LegendKey::Shape(s) => Some(format!("{s:?}")),
                LegendKey::Colour => None,
            })
            .collect();
        assert_eq!(drawn, shapes);
        assert!(!unspecified.is_empty() && shapes.contains("Cross"));
        // Under the map at one column, beside it at two.
        let (lx0, ly0, lx1, _) = plan.legend_area;
        if f64::from(width) >= SIDE_LEGEND_MIN_WIDTH {
            assert!(lx0 >= x1 && ly0 < y1, "{:?}", plan.legend_area);
        } else {
            assert!(ly0 >= y1, "{:?}", plan.legend_area);
        }
        assert!(lx1 <= f64::from(width));

        // --hide-unspecified: those papers are off the map and out of the legend; the others
        // keep their places.
        let hidden_plan = plan_cluster_map(
            &View::new(&analysis, &RenderOptions::default()),
            &palette.without_unspecified(),
            width,
        );
        assert!(hidden_plan
            .markers
            .iter()
            .all(|m| !unspecified.contains(m.paper_id.as_str()) && m.shape != Shape::Cross));
        assert!(hidden_plan
            .legend
            .iter()
            .all(|i| i.key != LegendKey::Shape(Shape::Cross)));
        let kept: Vec<_> = plan
            .markers
            .iter()
            .filter(|m| !unspecified.contains(m.paper_id.as_str()))
            .map(|m| (m.paper_id.clone(), m.x, m.y))
            .collect();
        let after: Vec<_> = hidden_plan
            .markers
            .iter()
            .map(|m| (m.paper_id.clone(), m.x, m.y))
            .collect();
        assert_eq!(kept, after);
    }

    // The drawn figure says what is hidden, and its legend carries no Unspecified entry.
    let options = RenderOptions {
        figures: vec![citegraph::render::FigureKind::ClusterMap],
        format: vec![citegraph::render::FigureFormat::Svg],
        hide_unspecified: true,
        ..RenderOptions::default()
    };
    let figures = draw_figures(&View::new(&analysis, &options)).unwrap();
    let caption = &figures[0].caption;
    let count = format!("{} papers without a mechanism badge", unspecified.len());
    assert!(caption.contains(&count), "{caption}");
    let texts = svg_texts(figures[0].svg.as_ref().unwrap());
    assert!(texts.iter().any(|t| t.contains(&count)), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "Unspecified"), "{texts:?}");
    let options = RenderOptions {
        hide_unspecified: false,
        ..options
    };
    let figures = draw_figures(&View::new(&analysis, &options)).unwrap();
    let texts = svg_texts(figures[0].svg.as_ref().unwrap());
    assert!(
        texts.iter().any(|t| t == "Unspecified"),
        "the cross has a legend entry: {texts:?}"
    );
    assert!(!figures[0].caption.contains(&count));
}

/// The trimmed text of every `<text>` of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    roxmltree::Document::parse(svg)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}
