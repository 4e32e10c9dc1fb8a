//! graph.graphml loads in networkx (the reader Gephi and Cytoscape users' scripts rely on), with
//! the node and edge counts, the attribute types and the hostile titles intact.

use crate::render_support;

use std::collections::HashSet;
use std::process::Command;

use citegraph::render::{graphml, render, View};
use render_support::{hostile_analysis, options, sample_analysis};

/// Loads `file` with networkx and prints a JSON summary of what it read.
const LOAD: &str = r#"
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
nodes = dict(g.nodes(data=True))
print(json.dumps({
    "directed": g.is_directed(),
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "influential": sum(1 for _, _, d in g.edges(data=True) if d.get("is_influential") is True),
    "types": {k: type(v).__name__ for n in nodes.values() for k, v in n.items()},
    "titles": {n: d.get("title") for n, d in nodes.items()},
    "in_catalog": sum(1 for d in nodes.values() if d.get("in_catalog") is True),
    "sample": nodes[sys.argv[2]],
}))
"#;

fn load_with_networkx(file: &std::path::Path, node: &str) -> serde_json::Value {
    let output = Command::new("python3")
        .arg("-c")
        .arg(LOAD)
        .arg(file)
        .arg(node)
        .output()
        .expect("python3 is needed for this test (with networkx: pip install networkx)");
    assert!(
        output.status.success(),
        "networkx.read_graphml failed on {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the loader prints JSON")
}

#[test]
fn networkx_reads_the_graph_with_every_attribute() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    let written = render(&analysis, &options("year"), dir.path()).unwrap();
    let file = dir.path().join("graph.graphml");
    assert!(written.contains(&file));

    // What the file should hold: catalogue papers and every core-edge endpoint.
    let mut expected: HashSet<&str> = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog)
        .map(|p| p.paper_id.as_str())
        .collect();
    for edge in &analysis.core_edges {
        expected.insert(&edge.source);
        expected.insert(&edge.target);
    }
    let top = &analysis.influential[0];
    let loaded = load_with_networkx(&file, &top.paper_id);

    assert_eq!(loaded["directed"], true);
    assert_eq!(loaded["nodes"], expected.len());
    assert_eq!(loaded["edges"], analysis.core_edges.len());
    assert_eq!(
        loaded["influential"],
        analysis
            .core_edges
            .iter()
            .filter(|e| e.is_influential)
            .count()
    );
    assert_eq!(
        loaded["in_catalog"],
        analysis.papers.iter().filter(|p| p.in_catalog).count()
    );

    let types = &loaded["types"];
    for (key, python_type) in [
        ("paper_id", "str"),
        ("title", "str"),
        ("year", "int"),
        ("in_catalog", "bool"),
        ("mechanisms", "str"),
        ("pagerank", "float"),
        ("hub", "float"),
        ("authority", "float"),
        ("betweenness", "float"),
        ("core", "int"),
        ("community", "int"),
        ("catalog_citations", "int"),
        ("citation_count", "int"),
        ("missing_kind", "str"),
        ("missing_confidence", "float"),
    ] {
        assert_eq!(types[key], python_type, "attribute {key}");
    }

    let paper = analysis
        .papers
        .iter()
        .find(|p| p.paper_id == top.paper_id)
        .unwrap();
    let sample = &loaded["sample"];
    assert_eq!(sample["title"], paper.title.as_str());
    assert_eq!(sample["key"], paper.key.as_deref().unwrap());
    assert_eq!(sample["mechanisms"], paper.mechanisms.join("; "));
    assert_eq!(sample["catalog_citations"], paper.catalog_citations);
    assert_eq!(sample["community"], paper.community);
    let pagerank = sample["pagerank"].as_f64().unwrap();
    assert!((pagerank - paper.pagerank).abs() < 1e-15);
}

#[test]
fn hostile_titles_and_ids_survive_the_round_trip() {
    let analysis = hostile_analysis();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graph.graphml");
    std::fs::write(
        &file,
        graphml::to_graphml(&View::new(&analysis, &options("year"))),
    )
    .unwrap();
    let first = &analysis.papers[0].paper_id;
    let loaded = load_with_networkx(&file, first);
    assert_eq!(loaded["nodes"], analysis.papers.len());
    assert_eq!(loaded["edges"], analysis.core_edges.len());
    for paper in &analysis.papers {
        // XML 1.0 cannot hold control characters: those are removed, all else is kept.
        let legal: String = paper
            .title
            .chars()
            .filter(|&c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
            .filter(|&c| c != '\u{fffe}' && c != '\u{ffff}')
            .collect();
        let id: String = paper.paper_id.clone();
        assert_eq!(loaded["titles"][&id], legal.as_str(), "title of {id:?}");
    }
}
