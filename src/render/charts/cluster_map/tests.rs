//! The cluster map's plans checked on synthetic analyses: markers inside the frame, names
//! apart and near their clusters, the legend following the clusters.

use super::join::layout;
use super::*;
use crate::analysis::{Analysis, PaperMetrics};
use crate::analysis::{Cluster, MapLink, MapNetwork};
use crate::catalog::UNSPECIFIED;
use crate::render::charts::canvas::text_width;
use crate::render::RenderOptions;

#[test]
fn layout_is_deterministic_and_in_the_unit_square() {
    let links: Vec<(usize, usize, f64)> = (1..30).map(|i| (i, i / 2, 0.5)).collect();
    let mut linked = vec![true; 32];
    linked[30] = false;
    linked[31] = false;
    let groups: Vec<u32> = (0..32).map(|i| (i % 3) as u32).collect();
    let a = layout(&links, &linked, &groups);
    assert_eq!(a.len(), 32);
    let b = layout(&links, &linked, &groups);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    for (i, &(x, y)) in a.iter().enumerate() {
        if linked[i] {
            assert!(
                (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y),
                "{x},{y}"
            );
        } else {
            assert!(x.is_nan() && y.is_nan());
        }
    }
}

const MECHANISMS: [&str; 6] = [
    "token pruning",
    "token merging",
    UNSPECIFIED,
    "token caching",
    "early exit",
    "token sharing",
];

/// `sizes.len()` clusters of catalogue papers (cluster c has `sizes[c]`), each a clique of
/// similarity links, the clusters joined by one weak link; titled `t{c}a with t{c}b`, except
/// cluster 1, whose titles have no distinctive term. Mechanisms turn through [`MECHANISMS`], so
/// every fourth paper has none.
fn synthetic(sizes: &[usize]) -> Analysis {
    let mut analysis = Analysis::default();
    let mut links = Vec::new();
    for (c, &size) in sizes.iter().enumerate() {
        let label = if c == 1 {
            "A paper about something".to_string()
        } else {
            format!("t{c}a; t{c}b (S{c})")
        };
        let terms = if c == 1 {
            Vec::new()
        } else {
            vec![(format!("t{c}a"), 9.0), (format!("t{c}b"), 5.0)]
        };
        analysis.clusters.push(Cluster {
            community: c as u32,
            size,
            label: label.clone(),
            terms,
            ..Cluster::default()
        });
        let first = analysis.papers.len() as u32;
        for k in 0..size {
            let i = analysis.papers.len();
            analysis.papers.push(PaperMetrics {
                paper_id: format!("p{c:02}-{k:03}"),
                title: if c == 1 {
                    "A paper about something".to_string()
                } else {
                    format!("t{c}a with t{c}b")
                },
                community: c as u32,
                community_label: label.clone(),
                pagerank: ((i * 37) % 101) as f64 / 1000.0 + 0.001,
                in_catalog: true,
                mechanisms: vec![MECHANISMS[i % MECHANISMS.len()].to_string()],
                ..PaperMetrics::default()
            });
            let i = i as u32;
            for other in k + 1..size {
                links.push(MapLink {
                    a: i,
                    b: i + (other - k) as u32,
                    cocitation: 0.3,
                    coupling: 0.4 / (1 + other - k) as f64,
                });
            }
        }
        if c > 0 {
            links.push(MapLink {
                a: first - 1,
                b: first,
                cocitation: 0.02,
                coupling: 0.0,
            });
        }
    }
    links.sort_by_key(|l| (l.a, l.b));
    analysis.map_network = MapNetwork {
        papers: analysis.papers.iter().map(|p| p.paper_id.clone()).collect(),
        links,
    };
    analysis
}

/// What every plan must satisfy, whatever the data and width.
fn check_plan(plan: &ClusterMapPlan, st: &Style) {
    let (x0, y0, x1, y1) = plan.plot;
    // Every marker whole inside the frame, white edge included.
    for m in plan.markers.iter().filter(|m| m.linked) {
        let reach = m.reach() + ClusterMap::edge(st);
        assert!(
            m.x - reach >= x0 && m.x + reach <= x1 && m.y - reach >= y0 && m.y + reach <= y1,
            "{m:?} is cut by the frame {:?}",
            plan.plot
        );
    }
    // Names: inside the plot, apart, near their anchor, which is a marker of their cluster.
    let near = NAME_MAX_DISTANCE * (x1 - x0).min(y1 - y0);
    for (i, label) in plan.labels.iter().enumerate() {
        assert!(
            label.x0 >= x0 && label.x1 <= x1 && label.y0 >= y0 && label.y1 <= y1,
            "{label:?} leaves the plot"
        );
        assert!(label.distance_to(label.anchor) <= near, "{label:?} is far");
        assert_eq!(label.leader, label.distance_to(label.anchor) > 0.0);
        assert!(plan
            .markers
            .iter()
            .any(|m| m.linked && m.community == label.community && (m.x, m.y) == label.anchor));
        for other in &plan.labels[i + 1..] {
            assert!(!label.overlaps(other), "{label:?} overlaps {other:?}");
        }
    }
    // Key papers' labels: inside the plot, clear of the names and of one another, and beside
    // their own marker.
    for (i, p) in plan.paper_labels.iter().enumerate() {
        let b = p.bounds();
        assert!(
            b.x0 >= x0 && b.x1 <= x1 && b.y0 >= y0 && b.y1 <= y1,
            "{p:?}"
        );
        assert!(
            plan.labels.iter().all(|l| !l.bounds().overlaps(&b)),
            "{p:?}"
        );
        assert!(
            plan.paper_labels[i + 1..]
                .iter()
                .all(|q| !q.bounds().overlaps(&b)),
            "{p:?}"
        );
        assert!(plan
            .markers
            .iter()
            .any(|m| m.paper_id == p.paper_id && (m.x, m.y) == p.marker));
    }
    // The legend beside the map on a wide figure, under it otherwise; inside the figure.
    let (lx0, ly0, lx1, ly1) = plan.legend_area;
    if st.width >= SIDE_LEGEND_MIN_WIDTH {
        assert!(lx0 >= x1 && ly0 >= y0 - 1.0, "{:?}", plan.legend_area);
    } else {
        assert!(
            ly0 >= plan.strip.map_or(y1, |s| s.3),
            "{:?}",
            plan.legend_area
        );
    }
    assert!(lx1 <= st.width && ly1 <= plan.height);
    let key = ClusterMap::legend_key(st);
    for item in &plan.legend {
        let right = item.x + key / 2.0 + st.gap() + text_width(&item.label, st.tick_size(), false);
        assert!(
            item.x >= lx0 && right <= lx1 + 0.5,
            "{item:?} leaves the legend"
        );
        assert!(item.y >= ly0 && item.y <= ly1, "{item:?} leaves the legend");
    }
}

#[test]
fn markers_stay_inside_names_stay_near_and_the_legend_follows_the_clusters() {
    ensure();
    // Ten clusters of distinct sizes: eight coloured, two gray; then two of two papers,
    // gray too however few clusters there are.
    let sizes: Vec<usize> = (0..10).map(|c| 40 - 3 * c).collect();
    let analysis = synthetic(&sizes);
    let palette = Palette::new(&analysis);
    for width in [1050, 2100] {
        let st = Style::new(width);
        let map = ClusterMap::new(&View::new(&analysis, &RenderOptions::default()), &palette);
        let plan = map.plan(&st);
        assert_eq!(plan.markers.len(), sizes.iter().sum::<usize>());
        check_plan(&plan, &st);
        assert_eq!(plan.labels.len(), COLORED_CLUSTERS);
        // The legend's colours: the eight largest clusters in order, in their markers'
        // colour, then the other two in gray.
        let colours: Vec<&LegendItem> = plan
            .legend
            .iter()
            .filter(|i| i.key == LegendKey::Colour)
            .collect();
        let ids: Vec<Option<u32>> = colours.iter().map(|i| i.community).collect();
        let mut expected: Vec<Option<u32>> = (0..8).map(Some).collect();
        expected.push(None);
        assert_eq!(ids, expected);
        for item in &colours {
            let community = item.community;
            assert!(plan
                .markers
                .iter()
                .filter(|m| community.is_none_or(|c| m.community == c))
                .filter(|m| community.is_some() || m.community >= 8)
                .all(|m| m.color == item.color));
        }
        assert_eq!(colours[8].label, "2 other clusters");
        // Legend names: the letter, then the full names when there is room for them all, else
        // short ones.
        for item in colours.iter().take(8) {
            let c = item.community.unwrap();
            assert!(
                item.label.starts_with(&format!("{}: ", cluster_letter(c))),
                "{item:?}"
            );
        }
        // The names on the map are compact: letter and first term.
        for label in &plan.labels {
            let c = label.community;
            assert_eq!(label.lines.len(), 1);
            let line = &label.lines[0];
            if c == 1 {
                // Named after a paper: its title, cut to the box's width.
                let cut = line.strip_suffix('…').unwrap_or(line);
                assert!(label.name.starts_with(cut), "{line}");
            } else {
                assert_eq!(line, &format!("{}: t{c}a", cluster_letter(c)));
            }
        }
        // Shapes: one legend entry per drawn shape.
        let mut drawn: Vec<String> = plan
            .markers
            .iter()
            .map(|m| format!("{:?}", m.shape))
            .collect();
        drawn.sort();
        drawn.dedup();
        let mut listed: Vec<String> = plan
            .legend
            .iter()
            .filter_map(|i| match i.key {
                LegendKey::Shape(s) => Some(format!("{s:?}")),
                LegendKey::Colour => None,
            })
            .collect();
        listed.sort();
        assert_eq!(drawn, listed);
        assert!(listed.contains(&"Cross".to_string()));
        // The same analysis gives the same plan.
        assert_eq!(
            ClusterMap::new(&View::new(&analysis, &RenderOptions::default()), &palette).plan(&st),
            plan
        );
    }
}

#[test]
fn the_narrowest_and_widest_figures_still_place_everything() {
    ensure();
    let analysis = synthetic(&[20, 12, 6]);
    let palette = Palette::new(&analysis);
    let map = ClusterMap::new(&View::new(&analysis, &RenderOptions::default()), &palette);
    for width in [200, 20_000] {
        let st = Style::new(width);
        let plan = map.plan(&st);
        assert_eq!(plan.markers.len(), 38);
        assert_eq!(plan.labels.len(), 3);
        let (x0, y0, x1, y1) = plan.plot;
        for m in &plan.markers {
            assert!(m.x > x0 && m.x < x1 && m.y > y0 && m.y.is_finite(), "{m:?}");
            assert!(m.linked == (m.y < y1), "{m:?}");
        }
        assert!(plan.height.is_finite() && plan.legend_area.2 <= st.width);
    }
}

#[test]
fn a_paper_or_two_alone_are_no_coloured_cluster() {
    ensure();
    let analysis = synthetic(&[20, 12, 3, 2, 2]);
    let palette = Palette::new(&analysis);
    let st = Style::new(1050);
    let plan =
        ClusterMap::new(&View::new(&analysis, &RenderOptions::default()), &palette).plan(&st);
    check_plan(&plan, &st);
    let named: Vec<u32> = plan.labels.iter().map(|l| l.community).collect();
    assert_eq!(named, [0, 1, 2]);
    let legend: Vec<(Option<u32>, &str)> = plan
        .legend
        .iter()
        .filter(|i| i.key == LegendKey::Colour)
        .map(|i| (i.community, i.label.as_str()))
        .collect();
    assert_eq!(legend.len(), 4);
    assert_eq!(legend[3], (None, "2 other clusters"));
    assert!(plan
        .markers
        .iter()
        .filter(|m| m.community >= 3)
        .all(|m| m.color == OTHER_CLUSTER));
}

#[test]
fn hide_unspecified_leaves_those_papers_out_and_the_rest_in_place() {
    ensure();
    let analysis = synthetic(&[30, 24, 18]);
    let palette = Palette::new(&analysis);
    let hidden_palette = palette.without_unspecified();
    let st = Style::new(1050);
    let shown = ClusterMap::new(&View::new(&analysis, &RenderOptions::default()), &palette);
    let hidden = ClusterMap::new(
        &View::new(&analysis, &RenderOptions::default()),
        &hidden_palette,
    );
    let (all, some) = (shown.plan(&st), hidden.plan(&st));
    check_plan(&some, &st);
    let unspecified: Vec<&str> = analysis
        .papers
        .iter()
        .filter(|p| Palette::is_unspecified(&p.mechanisms))
        .map(|p| p.paper_id.as_str())
        .collect();
    assert!(!unspecified.is_empty());
    assert!(some
        .markers
        .iter()
        .all(|m| m.shape != Shape::Cross && !unspecified.contains(&m.paper_id.as_str())));
    assert!(some
        .legend
        .iter()
        .all(|i| i.key != LegendKey::Shape(Shape::Cross) && !i.label.contains("Unspecified")));
    assert!(all
        .legend
        .iter()
        .any(|i| i.key == LegendKey::Shape(Shape::Cross)));
    // The others keep their places.
    let kept: Vec<&PlacedMarker> = all
        .markers
        .iter()
        .filter(|m| !unspecified.contains(&m.paper_id.as_str()))
        .collect();
    assert_eq!(kept.len(), some.markers.len());
    for (a, b) in kept.iter().zip(&some.markers) {
        assert_eq!((&a.paper_id, a.x, a.y), (&b.paper_id, b.x, b.y));
    }
    let caption = hidden.caption();
    assert!(
        caption.contains(&format!(
            "{} papers without a mechanism badge",
            unspecified.len()
        )),
        "{caption}"
    );
    assert!(!shown.caption().contains("hidden"));
}

fn ensure() {
    crate::render::charts::style::ensure_fonts().unwrap();
}
