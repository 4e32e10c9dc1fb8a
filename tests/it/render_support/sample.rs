//! A synthetic [`Analysis`] shaped like the real one (a few hundred catalogue papers over several
//! years, a long tail of mechanisms, four domains, heavy-tailed citation counts, missing papers
//! with long and awkward titles), for the figure tests and for previewing the render stage without
//! running the analysis. Deterministic for a seed; no network, no files. Used by the figure tests
//! (`charts`, `figure_layout`).

use std::collections::{BTreeMap, HashMap};

use citegraph::analysis::{
    Analysis, EdgeRow, Flow, GroupStats, InfluentialPaper, MissingKind, MissingPaper, PaperMetrics,
    Summary,
};

/// The default sample: 290 catalogue papers, 11 mechanisms (with `unspecified`), 4 domains,
/// years 2019-2025.
pub fn sample_analysis() -> Analysis {
    sample_analysis_with(290, 11, 7)
}

/// splitmix64: tiny, and its stream never changes with a crate upgrade.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// The canonical names of the catalogue reader's alias table, most common first.
const MECHANISMS: [&str; 10] = [
    "Token Pruning",
    "Token Merging",
    "Sparse Attention",
    "Token Caching",
    "Pooling & Downsampling",
    "Token Sharing",
    "Chunking & Retrieval",
    "Token Compression",
    "Soft Prompt",
    "Early Exit",
];

const DOMAINS: [&str; 4] = [
    "Vision Domain",
    "Language Domain",
    "Multi-modal Domain",
    "Other Domain",
];

const ABBREVIATIONS: [&str; 24] = [
    "ToMe",
    "EViT",
    "DynamicViT",
    "A-ViT",
    "SPViT",
    "EVEV",
    "PuMer",
    "FastV",
    "LLaVA-PruMerge",
    "SnapKV",
    "H2O",
    "StreamingLLM",
    "ATS",
    "Evo-ViT",
    "TPS",
    "DiffRate",
    "CrossGET",
    "MADTP",
    "VTC-CLS",
    "SparseVLM",
    "ToFu",
    "PPT",
    "Zero-TP",
    "LTMP",
];

const TITLE_HEADS: [&str; 8] = [
    "Adaptive",
    "Dynamic",
    "Learned",
    "Training-Free",
    "Hierarchical",
    "Efficient",
    "Progressive",
    "Content-Aware",
];

const TITLE_NOUNS: [&str; 6] = [
    "Token Pruning",
    "Token Merging",
    "Token Sparsification",
    "KV Cache Eviction",
    "Visual Token Reduction",
    "Attention Distillation",
];

const TITLE_TAILS: [&str; 6] = [
    "for Vision Transformers",
    "in Large Language Models",
    "for Multimodal LLMs",
    "for Video Understanding",
    "for Efficient Diffusion Models",
    "at Scale",
];

const MISSING_TITLES: [&str; 14] = [
    "Attention Is All You Need",
    "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
    "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    "Efficient <Sparse> Attention & \"Routing\" for Très Long Sequences — a Study of Ünïcödé Robustness in Transformers, with an Extremely Long Title That Goes On and On",
    "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows",
    "Learning Transferable Visual Models From Natural Language Supervision",
    "Δ-Attention: Sparse Updates for Streaming Inference (ε < 10⁻³)",
    "Visual Instruction Tuning",
    "Training data-efficient image transformers & distillation through attention",
    "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
    "Denoising Diffusion Probabilistic Models",
    "Über effiziente Token-Auswahl in großen Sprachmodellen",
    "视觉 Transformer 的令牌剪枝方法研究",
    "Scaling Laws for Neural Language Models",
];

fn paper_id(rng: &mut Rng) -> String {
    format!(
        "{:016x}{:016x}{:08x}",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64() as u32
    )
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A sample with `catalog_papers` catalogue papers and `mechanisms` mechanisms (the last of
/// them `unspecified` when there are at least three; names past the realistic ten are
/// `mechanism N`).
pub fn sample_analysis_with(catalog_papers: usize, mechanisms: usize, seed: u64) -> Analysis {
    let mut rng = Rng(seed);
    let mechanisms = mechanisms.max(1);
    let mut names: Vec<String> = (0..mechanisms)
        .map(|i| match MECHANISMS.get(i) {
            Some(name) => name.to_string(),
            None => format!("mechanism {}", i + 1),
        })
        .collect();
    if mechanisms >= 3 {
        if let Some(last) = names.last_mut() {
            *last = "unspecified".to_string();
        }
    }
    let weights: Vec<f64> = (0..names.len())
        .map(|i| 1.0 / (i as f64 + 1.0).powf(0.8))
        .collect();
    let year_weights = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 19.0];

    let mut papers: Vec<PaperMetrics> = Vec::new();
    for i in 0..catalog_papers {
        let year = (rng.unit() > 0.02).then(|| 2019 + rng.weighted(&year_weights) as i32);
        let mut mechs = vec![names[rng.weighted(&weights)].clone()];
        if mechs[0] != "unspecified" {
            for chance in [0.35, 0.1] {
                if rng.unit() < chance {
                    let extra = names[rng.weighted(&weights)].clone();
                    if extra != "unspecified" && !mechs.contains(&extra) {
                        mechs.push(extra);
                    }
                }
            }
        }
        mechs.sort();
        let mut domains = vec![DOMAINS[rng.weighted(&[0.45, 0.25, 0.2, 0.1])].to_string()];
        if rng.unit() < 0.08 {
            let extra = DOMAINS[rng.below(DOMAINS.len())].to_string();
            if !domains.contains(&extra) {
                domains.push(extra);
            }
        }
        domains.sort();
        let abbreviation = (rng.unit() < 0.6).then(|| {
            let base = ABBREVIATIONS[rng.below(ABBREVIATIONS.len())];
            if i < ABBREVIATIONS.len() {
                base.to_string()
            } else {
                format!("{base}-{}", i % 7 + 2)
            }
        });
        let body = format!(
            "{} {} {}",
            TITLE_HEADS[rng.below(TITLE_HEADS.len())],
            TITLE_NOUNS[rng.below(TITLE_NOUNS.len())],
            TITLE_TAILS[rng.below(TITLE_TAILS.len())]
        );
        let title = match (&abbreviation, i % 9) {
            (_, 4) => format!("Less is More: {body} with Ünïcödé & <Angle> \"Quotes\""),
            (Some(a), _) => format!("{a}: {body}"),
            (None, _) => body,
        };
        let citation_count =
            (rng.unit() > 0.05).then(|| (3.2 + 1.7 * rng.normal()).exp().floor().max(0.0) as u64);
        papers.push(PaperMetrics {
            paper_id: paper_id(&mut rng),
            key: Some(format!("arxiv:{}.{:05}", 1900 + (i % 7) * 100, i + 1)),
            title,
            year,
            venue: Some(["CVPR", "ICCV", "NeurIPS", "ICLR", "ACL", "arXiv"][i % 6].to_string()),
            in_catalog: true,
            abbreviation,
            mechanisms: mechs,
            domains,
            citation_count,
            ..PaperMetrics::default()
        });
    }

    // Citations among catalogue papers: newer cite older, mostly within a mechanism.
    let mut by_mechanism: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in papers.iter().enumerate() {
        for m in &p.mechanisms {
            by_mechanism.entry(m.as_str()).or_default().push(i);
        }
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for s in 0..papers.len() {
        let k = 1 + rng.below(6);
        for _ in 0..k {
            let same = rng.unit() < 0.6;
            let pool: &[usize] = if same {
                let m = papers[s].mechanisms[rng.below(papers[s].mechanisms.len())].as_str();
                by_mechanism.get(m).map(Vec::as_slice).unwrap_or(&[])
            } else {
                &[]
            };
            let t = if pool.is_empty() {
                rng.below(papers.len())
            } else {
                pool[rng.below(pool.len())]
            };
            let older = papers[t].year.unwrap_or(0) <= papers[s].year.unwrap_or(0);
            if t != s && older && !edges.contains(&(s, t)) {
                edges.push((s, t));
            }
        }
    }
    for &(s, t) in &edges {
        papers[t].catalog_citations += 1;
        papers[t].in_degree += 1;
        papers[s].out_degree += 1;
    }

    // Outside papers: the references the catalogue shares.
    let outside = catalog_papers * 2;
    for _ in 0..outside {
        papers.push(PaperMetrics {
            paper_id: paper_id(&mut rng),
            title: "An outside paper".to_string(),
            year: Some(2012 + rng.below(13) as i32),
            catalog_citations: (rng.unit().powi(4) * 30.0) as u32,
            citation_count: Some((5.0 + 2.0 * rng.normal()).exp().floor().max(0.0) as u64),
            ..PaperMetrics::default()
        });
    }

    // PageRank over the catalogue edges (plus a teleport to every node).
    let n = papers.len().max(1);
    let mut rank = vec![1.0 / n as f64; n];
    for _ in 0..40 {
        let mut next = vec![0.15 / n as f64; n];
        let mut dangling = 0.0;
        for (i, r) in rank.iter().enumerate() {
            let out = papers[i].out_degree;
            if out == 0 {
                dangling += r;
            }
        }
        for &(s, t) in &edges {
            next[t] += 0.85 * rank[s] / f64::from(papers[s].out_degree.max(1));
        }
        for (i, value) in next.iter_mut().enumerate() {
            *value += 0.85 * dangling / n as f64;
            // Outside papers are cited from beyond the catalogue: give them their share.
            if !papers[i].in_catalog {
                *value += f64::from(papers[i].catalog_citations) * 0.2 / n as f64;
            }
        }
        let total: f64 = next.iter().sum();
        rank = next.into_iter().map(|v| v / total).collect();
    }
    let communities = 12;
    for (i, paper) in papers.iter_mut().enumerate() {
        paper.pagerank = rank[i];
        paper.authority = rank[i] * 0.8;
        paper.hub = f64::from(paper.out_degree) / 10.0;
        paper.core = paper.in_degree.min(6);
        let primary = paper
            .mechanisms
            .first()
            .and_then(|m| names.iter().position(|n| n == m))
            .unwrap_or(0);
        paper.community = if rng.unit() < 0.7 {
            (primary % communities) as u32
        } else {
            rng.below(communities) as u32
        };
    }

    let catalog: Vec<&PaperMetrics> = papers.iter().filter(|p| p.in_catalog).collect();
    let group_stats = |name: &str, members: &[&PaperMetrics]| -> GroupStats {
        let mut per_year = BTreeMap::new();
        for p in members {
            if let Some(year) = p.year {
                *per_year.entry(year).or_insert(0) += 1;
            }
        }
        let mut cites: Vec<f64> = members
            .iter()
            .map(|p| p.citation_count.unwrap_or(0) as f64)
            .collect();
        let mut ranks: Vec<f64> = members.iter().map(|p| p.pagerank).collect();
        let mut top: Vec<&&PaperMetrics> = members.iter().collect();
        top.sort_by(|a, b| b.pagerank.total_cmp(&a.pagerank));
        GroupStats {
            name: name.to_string(),
            papers: members.len(),
            papers_per_year: per_year,
            total_citations: members.iter().map(|p| p.citation_count.unwrap_or(0)).sum(),
            median_citations: median(&mut cites),
            total_catalog_citations: members.iter().map(|p| u64::from(p.catalog_citations)).sum(),
            mean_pagerank: ranks.iter().sum::<f64>() / ranks.len().max(1) as f64,
            median_pagerank: median(&mut ranks),
            top_papers: top.iter().take(5).filter_map(|p| p.key.clone()).collect(),
            ..GroupStats::default()
        }
    };
    let mut mechanism_stats: Vec<GroupStats> = names
        .iter()
        .map(|name| {
            let members: Vec<&PaperMetrics> = catalog
                .iter()
                .copied()
                .filter(|p| p.mechanisms.contains(name))
                .collect();
            group_stats(name, &members)
        })
        .filter(|g| g.papers > 0)
        .collect();
    mechanism_stats.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.name.cmp(&b.name)));
    let mut domain_stats: Vec<GroupStats> = DOMAINS
        .iter()
        .map(|name| {
            let members: Vec<&PaperMetrics> = catalog
                .iter()
                .copied()
                .filter(|p| p.domains.iter().any(|d| d == name))
                .collect();
            group_stats(name, &members)
        })
        .filter(|g| g.papers > 0)
        .collect();
    domain_stats.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.name.cmp(&b.name)));

    // Flow between mechanisms, in the order of the mechanism table.
    let labels: Vec<String> = mechanism_stats.iter().map(|g| g.name.clone()).collect();
    let position: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let mut counts = vec![vec![0u64; labels.len()]; labels.len()];
    let mut within = 0u64;
    for &(s, t) in &edges {
        for a in &papers[s].mechanisms {
            for b in &papers[t].mechanisms {
                if let (Some(&i), Some(&k)) = (position.get(a.as_str()), position.get(b.as_str())) {
                    counts[i][k] += 1;
                }
            }
        }
        if papers[s]
            .mechanisms
            .iter()
            .any(|m| papers[t].mechanisms.contains(m))
        {
            within += 1;
        }
    }
    let shares: Vec<Vec<f64>> = counts
        .iter()
        .map(|row| {
            let total: u64 = row.iter().sum();
            row.iter()
                .map(|&c| {
                    if total == 0 {
                        0.0
                    } else {
                        c as f64 / total as f64
                    }
                })
                .collect()
        })
        .collect();

    let mut influential: Vec<InfluentialPaper> = catalog
        .iter()
        .map(|p| {
            InfluentialPaper::from_metrics(
                p,
                p.pagerank * n as f64 * 0.5 + f64::from(p.catalog_citations) * 0.1,
            )
        })
        .collect();
    influential.sort_by(|a, b| b.score.total_cmp(&a.score));
    influential.truncate(30);
    for (i, paper) in influential.iter_mut().enumerate() {
        paper.rank = i + 1;
    }

    let mut missing = Vec::new();
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        for (i, title) in MISSING_TITLES.iter().enumerate() {
            let title = if kind == MissingKind::Candidate {
                // Candidates are newer work; reuse the awkward titles in another order.
                MISSING_TITLES[(i + 3) % MISSING_TITLES.len()].to_string()
            } else {
                title.to_string()
            };
            let predicted = labels
                .get(rng.weighted(&weights[..labels.len().max(1).min(weights.len())]))
                .cloned()
                .unwrap_or_default();
            let mut evidence = BTreeMap::new();
            evidence.insert(predicted.clone(), vec!["arxiv:2210.09461".to_string()]);
            missing.push(MissingPaper {
                paper_id: paper_id(&mut rng),
                title,
                year: Some(2017 + (i % 8) as i32),
                authors: vec!["A. Author".to_string(), "B. Autorin".to_string()],
                url: "https://www.semanticscholar.org/paper/0".to_string(),
                kind,
                score: 0.92 * 0.88f64.powi(i as i32) + rng.unit() * 0.01,
                catalog_papers: 40usize.saturating_sub(i * 2),
                mechanisms_spanned: 1 + rng.below(labels.len().max(1)),
                structural: rng.unit(),
                citation_count: Some(1000 + rng.below(90_000) as u64),
                evidence,
                predicted_mechanism: predicted,
                confidence: 0.4 + rng.unit() * 0.6,
                ..MissingPaper::default()
            });
        }
    }

    let core_edges = edges
        .iter()
        .map(|&(s, t)| EdgeRow {
            source: papers[s].paper_id.clone(),
            target: papers[t].paper_id.clone(),
            is_influential: false,
        })
        .collect();
    let homophily = within as f64 / edges.len().max(1) as f64;
    Analysis {
        summary: Summary {
            scope: citegraph::graph::Scope::Catalog,
            catalog_papers,
            resolved: catalog_papers,
            unresolved: 0,
            nodes: papers.len(),
            edges: edges.len(),
            catalog_edges: edges.len(),
            communities,
            modularity: 0.48,
            mechanism_modularity: 0.31,
            nmi: Some(0.42),
            ari: Some(0.21),
            homophily,
            homophily_expected: 0.24,
            betweenness: citegraph::metrics::BetweennessMode::Exact,
            ..Summary::default()
        },
        papers,
        mechanisms: mechanism_stats,
        domains: domain_stats,
        flow: Flow {
            labels,
            counts,
            shares,
        },
        missing,
        influential,
        core_edges,
        ..Analysis::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_deterministic_and_plausible() {
        let a = sample_analysis();
        assert_eq!(a, sample_analysis());
        assert_eq!(a.papers.iter().filter(|p| p.in_catalog).count(), 290);
        assert!(a.mechanisms.len() >= 8);
        assert_eq!(a.domains.len(), 4);
        assert!(a.flow.counts.iter().flatten().sum::<u64>() > 100);
        let total: f64 = a.papers.iter().map(|p| p.pagerank).sum();
        assert!((total - 1.0).abs() < 1e-6);
        assert!(a.missing.iter().any(|m| m.kind == MissingKind::Candidate));
    }
}
