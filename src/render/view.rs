//! The one view of an analysis that every output is rendered from: built once per render by
//! [`View::new`], then handed by reference to every figure and every format, so that none of
//! them rebuilds an index of its own.
//!
//! It holds what several outputs derive from the same [`Analysis`]: the paper index (paper id ->
//! row of `analysis.papers`), the community names as the figures, the DOT and the report show
//! them, the in-scope missing papers in the order the graph exports take them, and the
//! mechanism colours ([`Palette`]).

use std::collections::{BTreeMap, HashMap};

use super::charts::Palette;
use super::labels;
use super::RenderOptions;
use crate::analysis::{Analysis, MissingKind, MissingPaper, PaperMetrics};

/// What every output is rendered from: the analysis, the options, and what is derived from them
/// once. Built in O(papers + missing) time; borrowed by every exporter and figure.
pub struct View<'a> {
    /// The analysis read from `metrics.json` (or just computed).
    pub analysis: &'a Analysis,
    /// The render options of this run.
    pub options: &'a RenderOptions,
    /// The mechanism colours of this render, shared by the figures, the DOT and the report.
    pub palette: Palette,
    /// Paper id -> index into `analysis.papers` (each paper id is one row: one node).
    papers: HashMap<&'a str, usize>,
    /// Catalogue key -> index into `analysis.papers`, for the catalogue papers.
    keys: HashMap<&'a str, usize>,
    /// Community id -> its name ([`labels::community_names`]), for every community a paper is in.
    community_names: BTreeMap<u32, String>,
    /// In-scope foundations, then candidates, each by descending score (the proposals).
    foundations: Vec<&'a MissingPaper>,
    candidates: Vec<&'a MissingPaper>,
}

impl<'a> View<'a> {
    /// The view of `analysis` for a render with `options`.
    pub fn new(analysis: &'a Analysis, options: &'a RenderOptions) -> Self {
        let papers = analysis
            .papers
            .iter()
            .enumerate()
            .map(|(row, p)| (p.paper_id.as_str(), row))
            .collect();
        let keys = analysis
            .papers
            .iter()
            .enumerate()
            .filter_map(|(row, p)| Some((p.key.as_deref()?, row)))
            .collect();
        let community_names = labels::community_names(analysis);
        View {
            analysis,
            options,
            palette: Palette::new(analysis),
            papers,
            keys,
            community_names,
            foundations: analysis.ranked_in_scope(MissingKind::Foundation),
            candidates: analysis.ranked_in_scope(MissingKind::Candidate),
        }
    }

    /// The row of the paper with Semantic Scholar id `id`, if it is a node of the graph.
    pub fn paper(&self, id: &str) -> Option<&'a PaperMetrics> {
        self.papers.get(id).map(|&row| &self.analysis.papers[row])
    }

    /// The row of `id` when it is a catalogue paper.
    pub fn catalog_paper(&self, id: &str) -> Option<&'a PaperMetrics> {
        self.paper(id).filter(|p| p.in_catalog)
    }

    /// The row of the catalogue paper with catalogue key `key` (`arxiv:…`, `title:…`).
    pub fn paper_by_key(&self, key: &str) -> Option<&'a PaperMetrics> {
        self.keys.get(key).map(|&row| &self.analysis.papers[row])
    }

    /// The index of `id` in `analysis.papers` (its node), if it is one.
    pub fn paper_row(&self, id: &str) -> Option<usize> {
        self.papers.get(id).copied()
    }

    /// The name of community `id` ([`labels::community_names`]: `C3: label` or `C3: A, B, C`),
    /// computed once for every community; `C{id}` for a community no paper is in.
    pub fn community_name(&self, id: u32) -> String {
        match self.community_names.get(&id) {
            Some(name) => name.clone(),
            None => format!("C{id}"),
        }
    }

    /// The label of the catalogue paper with key `key` ([`labels::paper_label`]: its
    /// abbreviation or short title), if the analysis has it.
    pub fn key_label(&self, key: &str) -> Option<String> {
        self.paper_by_key(key)
            .map(|p| labels::paper_label(p.abbreviation.as_deref(), &p.title))
    }

    /// The top `n` missing papers for the graph exports and the report's citation map: in-scope
    /// papers only (the proposals; a background landmark such as ImageNet drawn as "missing"
    /// would tell a maintainer to list it), foundations and candidates taken in turn (each kind
    /// by descending score), because the two kinds' scores are not on one scale and both deserve
    /// a place.
    pub fn top_missing(&self, n: usize) -> Vec<&'a MissingPaper> {
        let mut foundations = self.foundations.iter().copied();
        let mut candidates = self.candidates.iter().copied();
        let mut picked = Vec::with_capacity(n);
        while picked.len() < n {
            let before = picked.len();
            picked.extend(foundations.next());
            if picked.len() < n {
                picked.extend(candidates.next());
            }
            if picked.len() == before {
                break;
            }
        }
        picked
    }
}
