//! The cluster map on the real catalogue and the synthetic world: its similarity links equal an
//! independent count from edges.csv (co-citation and coupling, Salton's cosine, each paper's ten
//! most similar kept), and the figure places every map paper and names its clusters without
//! overlap.

mod analyze_support;
mod common;

use std::collections::{HashMap, HashSet};

use analyze_support::analyze_world;
use citegraph::analysis::{MAP_FOUNDATIONS, MAP_NEIGHBOURS};
use citegraph::export::charts::{plan_cluster_map, Palette};
use citegraph::export::labels::community_name;

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
    let plan = plan_cluster_map(&analysis, &palette, 1050);
    assert_eq!(plan.markers.len(), n);
    let linked: HashSet<usize> = kept.iter().flat_map(|&(a, b)| [a, b]).collect();
    assert_eq!(
        plan.markers.iter().filter(|m| m.linked).count(),
        linked.len()
    );
    assert!(!plan.labels.is_empty());
    for (i, label) in plan.labels.iter().enumerate() {
        assert_eq!(label.name, community_name(&analysis, label.community));
        let cluster = &analysis.clusters[label.community as usize];
        assert!(
            label.name.contains(&cluster.label) && !cluster.label.trim().is_empty(),
            "{} does not carry the clusters.csv label {:?}",
            label.name,
            cluster.label
        );
        for other in &plan.labels[i + 1..] {
            assert!(!label.overlaps(other), "{label:?} overlaps {other:?}");
        }
    }
}
