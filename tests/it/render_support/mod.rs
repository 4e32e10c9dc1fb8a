//! A realistic [`Analysis`] for the render tests, built without the analysis stage: ~290
//! catalogue papers over 2019-2025 in nine mechanisms and four domains, citations that mostly stay
//! within a mechanism, communities that follow the mechanisms, foundations and candidates with
//! evidence, lint findings, and hostile strings (quotes, backslashes, markup, `</script>`, line
//! breaks, control characters, formula-like cells, unicode) in every field that reaches an output.
#![allow(dead_code)]

pub mod sample;

use std::collections::{BTreeMap, HashMap};

use citegraph::analysis::{
    Analysis, BibSource, Coverage, EdgeRow, Flow, GroupStats, InfluentialPaper, MissingKind,
    MissingPaper, PaperMetrics, Summary, TagLint,
};
use citegraph::catalog::{LintFinding, LintKind};
use citegraph::records::{Resolution, ResolveMethod};
use citegraph::render::RenderOptions;

pub const CATALOG_PAPERS: usize = 290;
pub const FOUNDATIONS: usize = 30;
pub const CANDIDATES: usize = 30;
/// Outside papers that are graph nodes but neither foundation nor candidate.
pub const OTHER_OUTSIDE: usize = 120;

/// Mechanisms as the catalogue reader names them; the last one is hostile on purpose.
pub const MECHANISMS: [&str; 9] = [
    "Token Pruning",
    "Token Merging",
    "KV Cache Compression",
    "Token Caching",
    "Pooling",
    "Soft Prompt",
    "Chunking",
    "Quantization",
    "Sharing & <Reuse>",
];
pub const DOMAINS: [&str; 4] = ["Vision", "Language", "Multi-modal", "Other"];

/// Strings an attacker or an unlucky catalogue could put in a title.
pub const HOSTILE_TITLES: [&str; 14] = [
    r#"He said "hello" \ back\slash \N \l \G"#,
    "Line one\nLine two\r\nLine three",
    "<img src=x onerror=alert(1)> Pruning Tokens",
    "</script><script>alert(1)</script> Merging Everything",
    "A & B < C > D: Comparisons",
    "=SUM(A1:A9) Formula Title",
    "+cmd|' /C calc'!A0 Plus Title",
    "-2+3 Minus Title",
    "@SUM(1) At Title",
    "Ünïcödé Tökens 漢字 🚀 for Vision Transformers",
    "{Braces} $math$ 50% #hash _under ~tilde ^caret \\textbf{x}",
    "CDATA ]]> end and --> comment end <!-- open",
    "Control\u{0}chars\u{7}and\u{1b}escape\u{fffe}",
    "*Stars* and [brackets](javascript:alert(1)) and `ticks` | pipes",
];

/// A small deterministic generator (64-bit LCG), so the data is the same on every run and the
/// tests need no extra crate.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    /// Uniform in 0..1.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() % 1_000_000) as f64 / 1_000_000.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

fn paper_id(n: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in n.to_le_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    format!("{h:016x}{:024x}", n)
}

const WORDS: [&str; 24] = [
    "Efficient",
    "Adaptive",
    "Dynamic",
    "Vision",
    "Transformers",
    "Tokens",
    "Sparse",
    "Attention",
    "Long",
    "Context",
    "Language",
    "Models",
    "Fast",
    "Inference",
    "Multimodal",
    "Video",
    "Learning",
    "Compression",
    "Diffusion",
    "Redundancy",
    "Hierarchical",
    "Streaming",
    "Memory",
    "Budget",
];

fn title(rng: &mut Lcg, abbreviation: Option<&str>) -> String {
    let words: Vec<&str> = (0..4 + rng.below(6))
        .map(|_| WORDS[rng.below(WORDS.len())])
        .collect();
    match abbreviation {
        Some(a) => format!("{a}: {}", words.join(" ")),
        None => words.join(" "),
    }
}

/// The render options the tests use unless they say otherwise.
pub fn options(layout: &str) -> RenderOptions {
    RenderOptions {
        format: figure_formats(&["svg", "png"]),
        width: 1050,
        with_missing: 10,
        dot_layout: match layout {
            "year" => citegraph::render::DotLayout::Year,
            "community" => citegraph::render::DotLayout::Community,
            other => panic!("no DOT layout is called {other:?}"),
        },
        dot_all: false,
        ..RenderOptions::default()
    }
}

/// The figures called `names` (`all` = every figure), as `--figures` reads them.
pub fn figure_kinds(names: &[&str]) -> Vec<citegraph::render::FigureKind> {
    use citegraph::render::FigureKind;
    if names.contains(&"all") {
        return FigureKind::ALL.to_vec();
    }
    names
        .iter()
        .map(|name| FigureKind::from_name(name).unwrap_or_else(|| panic!("no figure {name:?}")))
        .collect()
}

/// The figure formats called `names`, as `--format` reads them.
pub fn figure_formats(names: &[&str]) -> Vec<citegraph::render::FigureFormat> {
    use citegraph::render::FigureFormat;
    names
        .iter()
        .map(|name| {
            FigureFormat::ALL
                .into_iter()
                .find(|f| f.extension() == *name)
                .unwrap_or_else(|| panic!("no figure format {name:?}"))
        })
        .collect()
}

/// The realistic analysis.
pub fn sample_analysis() -> Analysis {
    let mut rng = Lcg::new(5);
    let mut papers: Vec<PaperMetrics> = Vec::new();

    // Catalogue papers: skewed towards recent years and towards the first mechanisms.
    for i in 0..CATALOG_PAPERS {
        let year =
            2019 + [0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 6][rng.below(20)];
        let first = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8][rng.below(15)];
        let mut mechanisms = vec![MECHANISMS[first].to_string()];
        if rng.unit() < 0.15 {
            let second = MECHANISMS[rng.below(MECHANISMS.len())].to_string();
            if !mechanisms.contains(&second) {
                mechanisms.push(second);
            }
        }
        if i % 37 == 5 {
            mechanisms = vec!["unspecified".to_string()];
        }
        mechanisms.sort();
        let abbreviation = if rng.unit() < 0.6 {
            Some(
                format!(
                    "{}{}",
                    ["To", "Ev", "Dy", "Sp", "Fa", "Ki"][rng.below(6)],
                    ["Me", "iT", "ViT", "KV", "Zip", "LM"][rng.below(6)]
                ) + &i.to_string(),
            )
        } else {
            None
        };
        let mut title = title(&mut rng, abbreviation.as_deref());
        let mut abbreviation = abbreviation;
        if i % 20 == 3 {
            title = HOSTILE_TITLES[(i / 20) % HOSTILE_TITLES.len()].to_string();
            abbreviation = match (i / 20) % 3 {
                0 => None,
                1 => Some("<b>X</b>\"Q\"".to_string()),
                _ => Some(r"A\B_{1}".to_string()),
            };
        }
        let domains = vec![DOMAINS[(first + rng.below(2)) % DOMAINS.len()].to_string()];
        papers.push(PaperMetrics {
            paper_id: paper_id(i),
            key: Some(format!(
                "arxiv:{}{:02}.{:05}",
                year % 100,
                1 + rng.below(12),
                i
            )),
            title,
            year: Some(year),
            venue: Some(
                [
                    "CVPR",
                    "ICCV",
                    "NeurIPS",
                    "ICLR",
                    "ACL",
                    "arXiv",
                    "EMNLP & Co",
                ][rng.below(7)]
                .to_string(),
            ),
            in_catalog: true,
            abbreviation,
            mechanisms,
            domains,
            citation_count: if i % 31 == 0 {
                None
            } else {
                Some(rng.below(3000) as u64)
            },
            // Communities mostly follow the first mechanism.
            community: if rng.unit() < 0.8 {
                first as u32
            } else {
                rng.below(10) as u32
            },
            ..Default::default()
        });
    }
    // One paper without a year, so the timeline has an "unknown" column.
    papers[7].year = None;

    // Citations among catalogue papers: each cites older papers, mostly of its own mechanism.
    let mut core_edges: Vec<EdgeRow> = Vec::new();
    let mut by_year: Vec<usize> = (0..CATALOG_PAPERS).collect();
    by_year.sort_by_key(|&i| papers[i].year.unwrap_or(2026));
    for (position, &citing) in by_year.iter().enumerate() {
        if position == 0 {
            continue;
        }
        let wanted = 2 + rng.below(6);
        for _ in 0..wanted * 3 {
            let cited = by_year[rng.below(position)];
            let same = papers[cited].mechanisms[0] == papers[citing].mechanisms[0];
            if (same || rng.unit() < 0.3) && cited != citing {
                core_edges.push(EdgeRow {
                    source: papers[citing].paper_id.clone(),
                    target: papers[cited].paper_id.clone(),
                    is_influential: rng.unit() < 0.2,
                });
            }
            if core_edges
                .iter()
                .filter(|e| e.source == papers[citing].paper_id)
                .count()
                >= wanted
            {
                break;
            }
        }
    }
    core_edges.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
    core_edges.dedup_by(|a, b| a.source == b.source && a.target == b.target);

    // Outside papers: foundations, candidates, and others.
    let mut missing: Vec<MissingPaper> = Vec::new();
    let keys: Vec<String> = papers.iter().filter_map(|p| p.key.clone()).collect();
    for j in 0..FOUNDATIONS + CANDIDATES + OTHER_OUTSIDE {
        let n = CATALOG_PAPERS + j;
        let kind = if j < FOUNDATIONS {
            Some(MissingKind::Foundation)
        } else if j < FOUNDATIONS + CANDIDATES {
            Some(MissingKind::Candidate)
        } else {
            None
        };
        let year = match kind {
            Some(MissingKind::Foundation) => 2014 + rng.below(8) as i32,
            _ => 2022 + rng.below(4) as i32,
        };
        let mut title = title(&mut rng, None);
        if j % 9 == 2 {
            title = HOSTILE_TITLES[(j / 9) % HOSTILE_TITLES.len()].to_string();
        }
        let predicted = MECHANISMS[rng.below(MECHANISMS.len())].to_string();
        papers.push(PaperMetrics {
            paper_id: paper_id(n),
            title: title.clone(),
            year: Some(year),
            venue: Some("NeurIPS".into()),
            citation_count: Some(rng.below(90_000) as u64),
            community: rng.below(10) as u32,
            ..Default::default()
        });
        let Some(kind) = kind else { continue };
        let linked: Vec<usize> = (0..3 + rng.below(25))
            .map(|_| rng.below(CATALOG_PAPERS))
            .collect();
        let mut evidence: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for &i in &linked {
            let mechanism = papers[i].mechanisms[0].clone();
            let list = evidence.entry(mechanism).or_default();
            if !list.contains(&keys[i]) {
                list.push(keys[i].clone());
            }
            core_edges.push(match kind {
                MissingKind::Foundation => EdgeRow {
                    source: papers[i].paper_id.clone(),
                    target: paper_id(n),
                    is_influential: false,
                },
                MissingKind::Candidate => EdgeRow {
                    source: paper_id(n),
                    target: papers[i].paper_id.clone(),
                    is_influential: false,
                },
            });
        }
        let distinct: usize = evidence.values().map(Vec::len).sum();
        let top = evidence
            .iter()
            .max_by_key(|(_, v)| v.len())
            .map(|(m, v)| (m.clone(), v.len()))
            .unwrap_or_default();
        let url = match j % 7 {
            0 => "javascript:alert(1)".to_string(),
            1 => format!("https://www.semanticscholar.org/paper/{}", paper_id(n)),
            _ => format!("https://arxiv.org/abs/{}.{:05}", 2000 + j, j),
        };
        missing.push(MissingPaper {
            paper_id: paper_id(n),
            title,
            year: Some(year),
            venue: if j % 5 == 0 {
                None
            } else {
                Some("ICLR <2024>".into())
            },
            authors: if j % 6 == 0 {
                vec!["*Star* O'Neil".into(), "Jürgen Schmid_huber".into()]
            } else {
                (0..1 + rng.below(14))
                    .map(|a| format!("Author{a} Family{j}"))
                    .collect()
            },
            url,
            external_ids: BTreeMap::from([("ArXiv".to_string(), format!("{}.{:05}", 2000 + j, j))]),
            kind,
            score: 10.0 - j as f64 * 0.1 + rng.unit(),
            catalog_papers: distinct,
            mechanisms_spanned: evidence.len(),
            structural: rng.unit(),
            citation_count: Some(rng.below(90_000) as u64),
            evidence,
            predicted_mechanism: if top.0.is_empty() { predicted } else { top.0 },
            confidence: if distinct > 0 {
                top.1 as f64 / distinct as f64
            } else {
                0.0
            },
            ..MissingPaper::default()
        });
    }

    // Degrees, PageRank-like scores (cited papers gain), and the other metrics.
    let index: HashMap<String, usize> = papers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.paper_id.clone(), i))
        .collect();
    for edge in &core_edges {
        if let (Some(&s), Some(&t)) = (index.get(&edge.source), index.get(&edge.target)) {
            papers[s].out_degree += 1;
            papers[t].in_degree += 1;
            if papers[s].in_catalog {
                papers[t].catalog_citations += 1;
            }
        }
    }
    let total: f64 = papers.iter().map(|p| 1.0 + p.in_degree as f64).sum();
    for (i, p) in papers.iter_mut().enumerate() {
        p.pagerank = (1.0 + p.in_degree as f64 * (1.0 + (i % 7) as f64 / 7.0)) / total;
        p.hub = p.out_degree as f64 / 30.0;
        p.authority = p.in_degree as f64 / 60.0;
        p.betweenness = (p.in_degree * p.out_degree) as f64 / 500.0;
        p.core = (p.in_degree + p.out_degree).min(12);
    }
    // Catalogue first, then by descending PageRank, as the analysis orders them.
    papers.sort_by(|a, b| {
        b.in_catalog
            .cmp(&a.in_catalog)
            .then(b.pagerank.total_cmp(&a.pagerank))
    });

    let catalog: Vec<&PaperMetrics> = papers.iter().filter(|p| p.in_catalog).collect();
    let mut influential: Vec<InfluentialPaper> = catalog
        .iter()
        .map(|p| {
            InfluentialPaper::from_metrics(
                p,
                p.pagerank * 100.0 + p.catalog_citations as f64 / 10.0,
            )
        })
        .collect();
    influential.sort_by(|a, b| b.score.total_cmp(&a.score));
    for (i, row) in influential.iter_mut().enumerate() {
        row.rank = i + 1;
    }

    let mut mechanism_names: Vec<String> = MECHANISMS.iter().map(|m| m.to_string()).collect();
    mechanism_names.push("unspecified".into());
    let group = |name: &str, pick: &dyn Fn(&PaperMetrics) -> bool| {
        let members: Vec<&&PaperMetrics> = catalog.iter().filter(|p| pick(p)).collect();
        let mut per_year = BTreeMap::new();
        for p in &members {
            if let Some(y) = p.year {
                *per_year.entry(y).or_insert(0) += 1;
            }
        }
        let mut counts: Vec<u64> = members.iter().filter_map(|p| p.citation_count).collect();
        counts.sort_unstable();
        GroupStats {
            name: name.to_string(),
            papers: members.len(),
            papers_per_year: per_year,
            total_citations: counts.iter().sum(),
            median_citations: counts.get(counts.len() / 2).copied().unwrap_or(0) as f64,
            total_catalog_citations: members.iter().map(|p| p.catalog_citations as u64).sum(),
            mean_pagerank: members.iter().map(|p| p.pagerank).sum::<f64>()
                / members.len().max(1) as f64,
            median_pagerank: members.get(members.len() / 2).map_or(0.0, |p| p.pagerank),
            top_papers: members
                .iter()
                .take(5)
                .filter_map(|p| p.key.clone())
                .collect(),
            citations_out: 100,
            citations_within: 60,
            homophily: 0.6,
            homophily_expected: 0.18,
        }
    };
    let mut mechanisms: Vec<GroupStats> = mechanism_names
        .iter()
        .map(|m| group(m, &|p: &PaperMetrics| p.mechanisms.contains(m)))
        .collect();
    mechanisms.sort_by_key(|m| std::cmp::Reverse(m.papers));
    let mut domains: Vec<GroupStats> = DOMAINS
        .iter()
        .map(|d| group(d, &|p: &PaperMetrics| p.domains.iter().any(|x| x == d)))
        .collect();
    domains.sort_by_key(|d| std::cmp::Reverse(d.papers));

    let labels: Vec<String> = mechanisms.iter().map(|m| m.name.clone()).collect();
    let position: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let mut counts = vec![vec![0u64; labels.len()]; labels.len()];
    let by_id: HashMap<&str, &PaperMetrics> =
        papers.iter().map(|p| (p.paper_id.as_str(), p)).collect();
    let mut catalog_edges = 0;
    for edge in &core_edges {
        if let (Some(s), Some(t)) = (
            by_id.get(edge.source.as_str()),
            by_id.get(edge.target.as_str()),
        ) {
            if s.in_catalog && t.in_catalog {
                catalog_edges += 1;
                counts[position[s.mechanisms[0].as_str()]][position[t.mechanisms[0].as_str()]] += 1;
            }
        }
    }
    let shares = counts
        .iter()
        .map(|row| {
            let sum: u64 = row.iter().sum();
            row.iter()
                .map(|&c| if sum == 0 { 0.0 } else { c as f64 / sum as f64 })
                .collect()
        })
        .collect();

    let lint_tags = catalog
        .iter()
        .step_by(29)
        .map(|p| TagLint {
            key: p.key.clone().unwrap_or_default(),
            title: p.title.clone(),
            mechanisms: p.mechanisms.clone(),
            suggested: MECHANISMS[1].into(),
            agreement: 0.2,
            suggested_share: 0.7,
            neighbours: 10,
            reason: "7 of 10 neighbours are <Token Merging> & \"friends\"".into(),
        })
        .collect();
    let coverage = mechanisms
        .iter()
        .enumerate()
        .map(|(i, m)| Coverage {
            mechanism: m.name.clone(),
            k: 3,
            linked: 20 + i * 3,
            missing: i * 2,
            completeness: Some(1.0 - (i * 2) as f64 / (20 + i * 3) as f64),
        })
        .collect();
    let unresolved: Vec<Resolution> = (0..12)
        .map(|i| Resolution {
            key: format!(
                "title:{}",
                HOSTILE_TITLES[i % HOSTILE_TITLES.len()].to_lowercase()
            ),
            paper_id: if i % 4 == 0 {
                Some(paper_id(9000 + i))
            } else {
                None
            },
            method: if i % 4 == 0 {
                Some(ResolveMethod::Title)
            } else {
                None
            },
            note: Some(format!(
                "no match for the title <{i}> & \"quoted\"; check the arXiv link"
            )),
            gap: citegraph::records::Gap::None,
        })
        .collect();
    let catalog_lint: Vec<LintFinding> = (0..15)
        .map(|i| LintFinding {
            kind: [
                LintKind::NumberingGap,
                LintKind::NoPaperLink,
                LintKind::DuplicateDisagrees,
                LintKind::NoMechanism,
            ][i % 4],
            message: format!("entry {i}: {}", HOSTILE_TITLES[i % HOSTILE_TITLES.len()]),
            file: Some("Vision Domain/Understanding.md".into()),
            line: Some(10 + i * 7),
            keys: vec![keys[i * 3].clone(), "arxiv:not-in-graph".into()],
        })
        .collect();

    let summary = Summary {
        scope: citegraph::graph::Scope::Catalog,
        catalog_papers: CATALOG_PAPERS + unresolved.len(),
        resolved: CATALOG_PAPERS,
        unresolved: unresolved.len(),
        nodes: papers.len(),
        edges: core_edges.len(),
        catalog_edges,
        communities: 10,
        modularity: 0.41,
        mechanism_modularity: 0.33,
        nmi: Some(0.52),
        ari: Some(0.31),
        homophily: 0.58,
        homophily_expected: 0.17,
        betweenness: citegraph::metrics::BetweennessMode::Exact,
        ..Summary::default()
    };
    let bibliography = sample_bibliography(&papers, &unresolved);
    Analysis {
        summary,
        papers,
        mechanisms,
        domains,
        flow: Flow {
            labels,
            counts,
            shares,
        },
        missing,
        influential,
        lint_tags,
        coverage,
        core_edges,
        unresolved,
        catalog_lint,
        bibliography,
        time: Default::default(),
        ..Analysis::default()
    }
}

/// One bibliography source per catalogue paper (resolved and unresolved): a third keep the
/// list's own BibTeX block (some with keys that clash or cannot be keys, one broken, one
/// hostile), the rest only the record's fields; hostile authors and titles throughout.
fn sample_bibliography(papers: &[PaperMetrics], unresolved: &[Resolution]) -> Vec<BibSource> {
    let mut sources: Vec<BibSource> = papers
        .iter()
        .filter(|p| p.in_catalog)
        .enumerate()
        .map(|(i, p)| {
            let authors: Vec<String> = match i % 9 {
                0 => vec!["Jürgen Schmidhüber".into(), "Ann {Braces} O'Neil".into()],
                1 => vec![],
                2 => vec!["Rock and Roll".into(), "Émilie Du Châtelet".into()],
                _ => (0..1 + i % 5).map(|a| format!("Author{a} Family{}", i % 40)).collect(),
            };
            let list_key = match i % 12 {
                0 => Some(format!("family{}{}", i % 40, p.year.unwrap_or(0))),
                3 => Some("same:key".to_string()),
                6 => Some("has space, and comma".to_string()),
                _ => None,
            };
            let block = list_key.as_ref().map(|key| match i % 48 {
                12 => format!("@inproceedings{{{key}, title={{unclosed"),
                24 => format!(
                    "@article{{{key},\n  title = {{{{</script>}} 50\\% \\& {}}},\n  journal = {{J}},\n  year = {{2020}}\n}}",
                    i
                ),
                _ => format!(
                    "@inproceedings{{{key},\n  title = {{Listed Title {i}}},\n  author = {{Family{}, Author0}},\n  booktitle = {{CVPR}},\n  year = {{{}}}\n}}",
                    i % 40,
                    p.year.unwrap_or(2020)
                ),
            });
            BibSource {
                key: p.key.clone().unwrap_or_default(),
                paper_id: Some(p.paper_id.clone()),
                bibtex_key: list_key,
                bibtex: block,
                title: p.title.clone(),
                authors,
                venue: p.venue.clone(),
                year: p.year,
                doi: (i % 4 == 1).then(|| format!("10.1000/x_{i}{{}}")),
                arxiv: (i % 3 == 0).then(|| format!("2101.{i:05}")),
                ..Default::default()
            }
        })
        .collect();
    sources.extend(unresolved.iter().map(|r| BibSource {
        key: r.key.clone(),
        title: r.key.trim_start_matches("title:").to_string(),
        ..Default::default()
    }));
    sources
}

/// Only hostile titles (and hostile ids), a few papers citing each other: the worst case for
/// the escaping of every format.
pub fn hostile_analysis() -> Analysis {
    let mut analysis = Analysis::default();
    let ids: Vec<String> = HOSTILE_TITLES
        .iter()
        .enumerate()
        .map(|(i, _)| match i % 3 {
            0 => format!("id \"{i}\" \\ <&>"),
            1 => format!("id\n{i}"),
            _ => paper_id(i),
        })
        .collect();
    for (i, title) in HOSTILE_TITLES.iter().enumerate() {
        analysis.papers.push(PaperMetrics {
            paper_id: ids[i].clone(),
            key: Some(format!("key:{title}")),
            title: title.to_string(),
            year: Some(2019 + (i % 7) as i32),
            in_catalog: true,
            abbreviation: if i % 2 == 0 {
                Some(title.to_string())
            } else {
                None
            },
            mechanisms: vec![MECHANISMS[i % MECHANISMS.len()].to_string()],
            pagerank: 0.01 * (i + 1) as f64,
            community: (i % 3) as u32,
            ..Default::default()
        });
        if i > 0 {
            analysis.core_edges.push(EdgeRow {
                source: ids[i].clone(),
                target: ids[i - 1].clone(),
                is_influential: i % 2 == 0,
            });
        }
    }
    analysis.mechanisms = MECHANISMS
        .iter()
        .map(|m| GroupStats {
            name: m.to_string(),
            papers: 2,
            ..Default::default()
        })
        .collect();
    analysis
}
