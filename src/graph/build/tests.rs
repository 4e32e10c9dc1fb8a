use super::*;
use crate::catalog::UNSPECIFIED;
use crate::records::{Link, PaperRecord, Resolution};

fn link(id: Option<&str>, influential: bool, intents: &[&str]) -> Link {
    Link {
        paper_id: id.map(str::to_string),
        is_influential: influential,
        intents: intents.iter().map(|s| s.to_string()).collect(),
        ..Link::default()
    }
}

fn record(id: &str, refs: Vec<Link>, cites: Vec<Link>) -> PaperRecord {
    PaperRecord {
        paper_id: id.to_string(),
        title: Some(format!("Title {id}")),
        references: Some(refs),
        citations: Some(cites),
        ..PaperRecord::default()
    }
}

fn catalog_of(keys: &[(&str, &[&str])]) -> Catalog {
    Catalog {
        papers: keys
            .iter()
            .map(|(k, mechs)| CatalogPaper {
                key: k.to_string(),
                title: format!("Catalogue {k}"),
                mechanisms: mechs.iter().map(|s| s.to_string()).collect(),
                ..CatalogPaper::default()
            })
            .collect(),
        ..Catalog::default()
    }
}

fn resolution(key: &str, id: Option<&str>) -> Resolution {
    Resolution {
        key: key.to_string(),
        paper_id: id.map(str::to_string),
        method: None,
        note: None,
        gap: crate::records::Gap::None,
    }
}

/// c1 (catalogue) cites x and y; y cites c1 (seen from both ends, once influential);
/// z cites x (outside the catalogue); a null reference and a self-citation are ignored.
fn corpus() -> Corpus {
    Corpus {
        resolutions: vec![
            resolution("k1", Some("c1")),
            resolution("k2", None),
            resolution("k3", Some("c1")),
        ],
        records: vec![
            record(
                "c1",
                vec![
                    link(Some("x"), false, &["background"]),
                    link(Some("y"), false, &[]),
                    link(None, false, &[]),
                    link(Some("c1"), false, &[]),
                ],
                vec![link(Some("y"), true, &["methodology"])],
            ),
            record("y", vec![link(Some("c1"), false, &["result"])], vec![]),
            record("z", vec![link(Some("x"), false, &[])], vec![]),
        ],
        requests: 0,
        ..Corpus::default()
    }
}

#[test]
fn catalog_scope_keeps_edges_touching_the_catalogue() {
    let catalog = catalog_of(&[("k1", &["pruning"]), ("k3", &["merging"])]);
    let g = build(&catalog, &corpus(), Scope::Catalog);
    let ids: Vec<&str> = g.nodes().map(|n| n.paper_id.as_str()).collect();
    assert_eq!(ids, vec!["c1", "x", "y"]);
    let edges: Vec<_> = g.edges().collect();
    assert_eq!(edges.len(), 3);
    let c1 = g.index_of("c1").unwrap();
    let y = g.index_of("y").unwrap();
    let (_, _, yc) = edges
        .iter()
        .find(|(s, t, _)| *s == y && *t == c1)
        .copied()
        .unwrap();
    assert!(yc.is_influential);
    assert_eq!(yc.intents.names(), vec!["methodology", "result"]);
    let info = g.catalog_info(c1).unwrap();
    assert_eq!(info.keys, vec!["k1", "k3"]);
    assert_eq!(info.mechanisms, vec!["merging", "pruning"]);
    assert_eq!(g.catalog.len(), 1);
    assert_eq!(g.csr.edge_count(), 3);
    assert_eq!(g.csr.in_neighbors(c1), &[y]);
}

#[test]
fn all_scope_keeps_every_edge() {
    let catalog = catalog_of(&[("k1", &[])]);
    let g = build(&catalog, &corpus(), Scope::All);
    let ids: Vec<&str> = g.nodes().map(|n| n.paper_id.as_str()).collect();
    assert_eq!(ids, vec!["c1", "x", "y", "z"]);
    assert_eq!(g.edge_count(), 4);
    let info = g.catalog_info(g.index_of("c1").unwrap()).unwrap();
    assert_eq!(info.mechanisms, vec![UNSPECIFIED]);
    assert_eq!(g.node(g.index_of("z").unwrap()).title, "Title z");
}

#[test]
fn record_order_does_not_change_the_graph() {
    let catalog = catalog_of(&[("k1", &["pruning"])]);
    let mut reversed = corpus();
    reversed.records.reverse();
    let a = build(&catalog, &corpus(), Scope::All);
    let b = build(&catalog, &reversed, Scope::All);
    assert_eq!(a.edges().collect::<Vec<_>>(), b.edges().collect::<Vec<_>>());
    assert_eq!(a.csr, b.csr);
}

/// The corpus with every record but the catalogue's in compact form, as a snapshot gives it.
fn compacted(corpus: Corpus) -> Corpus {
    let (catalogue, rest): (Vec<PaperRecord>, Vec<PaperRecord>) =
        corpus.records.into_iter().partition(|r| {
            corpus
                .resolutions
                .iter()
                .any(|c| c.paper_id.as_ref() == Some(&r.paper_id))
        });
    let jsonl: Vec<String> = rest
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    Corpus {
        resolutions: corpus.resolutions,
        records: catalogue,
        others: crate::records::compact::from_jsonl(&jsonl.join("\n"), usize::MAX).0,
        requests: 0,
        ..Corpus::default()
    }
}

#[test]
fn compact_records_give_the_same_graph() {
    let catalog = catalog_of(&[("k1", &["pruning"])]);
    let mut full = corpus();
    // Details on links (a paper without a record takes the first link's), a repeated link
    // and one seen from the other end (one edge, flags OR-ed), a padded id.
    full.records.push(record(
        "w",
        vec![
            Link {
                title: Some("Linked <i>v</i>".into()),
                year: Some(2001),
                citation_count: Some(5),
                external_ids: [("ArXiv".to_string(), serde_json::json!("2101.1"))].into(),
                ..link(Some("v"), false, &[])
            },
            link(Some("y"), true, &["result"]),
            link(Some(" y "), false, &["background"]),
            link(Some("v"), false, &[]),
        ],
        vec![link(Some("z"), false, &["methodology"])],
    ));
    full.records[2].venue = Some("Venue<br>".into());
    full.records[2].authors = vec![crate::records::Author {
        author_id: None,
        name: Some("Ann".into()),
    }];
    let compact = compacted(full.clone());
    assert_eq!(compact.others.len(), 3);
    for scope in [Scope::Catalog, Scope::All] {
        let a = build(&catalog, &full, scope);
        let b = build(&catalog, &compact, scope);
        assert_eq!(a.nodes().collect::<Vec<_>>(), b.nodes().collect::<Vec<_>>());
        assert_eq!(a.edges().collect::<Vec<_>>(), b.edges().collect::<Vec<_>>());
        assert_eq!(a.catalog, b.catalog);
        assert_eq!(a.csr, b.csr);
    }
    let g = build(&catalog, &compact, Scope::All);
    let (w, y, v) = (
        g.index_of("w").unwrap(),
        g.index_of("y").unwrap(),
        g.index_of("v").unwrap(),
    );
    let wy: Vec<Citation> = g
        .edges()
        .filter(|&(s, t, _)| s == w && t == y)
        .map(|(_, _, c)| c)
        .collect();
    assert_eq!(wy.len(), 1, "a repeated link is one edge");
    assert!(wy[0].is_influential);
    assert_eq!(wy[0].intents.names(), vec!["background", "result"]);
    assert_eq!(g.node(v).title, "Linked v");
    assert_eq!(g.node(v).year, Some(2001));
    assert_eq!(g.node(v).external_id("ArXiv"), Some("2101.1"));
    assert_eq!(
        g.node(g.index_of("z").unwrap()).venue.as_deref(),
        Some("Venue")
    );
}

#[test]
fn empty_corpus() {
    let g = build(&Catalog::default(), &Corpus::default(), Scope::Catalog);
    assert_eq!(g.node_count(), 0);
    assert_eq!(g.csr.node_count(), 0);
}

#[test]
fn primary_mechanism_follows_the_first_badge() {
    let mut catalog = catalog_of(&[("k1", &["token merging", "token pruning"])]);
    catalog.papers[0].badges.mechanism = vec!["Token_Pruning".into(), "Merging".into()];
    let c = Corpus {
        resolutions: vec![resolution("k1", Some("c1"))],
        ..Corpus::default()
    };
    let g = build(&catalog, &c, Scope::Catalog);
    assert_eq!(g.catalog[0].primary_mechanism, "token pruning");
}
