//! Orange badges name a paper's compression mechanism, but the lists spell one mechanism many ways
//! (`Token_Pruning`, `Pruning`, the typo `Purning`). The alias table below maps every orange label of
//! the reference catalogue to a small canonical set; users extend or override it with
//! `--mechanisms FILE`, a TOML file:
//!
//! ```toml
//! [aliases]
//! "Token Dropping" = "Token Pruning"
//! "Speculative Decoding" = "Speculative Decoding"   # a new canonical name
//!
//! not_mechanisms = ["Plug and Play"]                # orange noise, like the legend badge
//! ```
//!
//! Labels are compared case-insensitively with punctuation, `_` and `-` ignored.
//!
//! | canonical | labels in the catalogue |
//! |---|---|
//! | Token Pruning | Token Pruning, Pruning, Purning, Fuzzy-based Token Pruning, Token Selection, Skimming, Expire, Agent, Most-used, Concrete Masking, Masked Training, Drop-and-Restore, Restore |
//! | Token Merging | Token Merging, Merging, Clustering, Token Combining, Token Ensemble, Token Folding, Aaveraging (sic) |
//! | Token Caching | Token Caching, Caching, Offloading, Retention |
//! | Token Sharing | Sharing, Token Sharing, Reusing, Copy |
//! | Pooling & Downsampling | Pooling, Token Downsampling, Conv |
//! | Chunking & Retrieval | Chunking, Query chunking, Retrieving, Top-k retrieval, Divide and Donquer (sic) |
//! | Sparse Attention | Top-k attention, kNN Attention, Locality-Sensitive Hashing, Routing Attention, Sparsity, Sparse Inference, Linear Attention, Average Attention, Attention Back-tracking |
//! | Soft Prompt | Soft Prompt, Soft Token |
//! | Token Compression | Token Compression, Extreme Compression, Low Bitrate |
//! | Quantization | Quantization |
//! | Early Exit | Early Exit, Conditional Computation |
//! | Model Pruning | Head Pruning, Channel Pruning |
//! | Sequence Parallelism | Sequence Parallelism |
//!
//! Not mechanisms (ignored and reported as `not-a-mechanism`): the legend badges
//! (`Compression_Mechanism`, `Reduction_Mechanism`), training badges painted orange (`Training_Free`,
//! `Training_Based`), and the application or keyword labels one list painted orange (`Zero_Shot_TTS`,
//! `Speech_Large_Language_Models`, `GPU_Acceleration`, `Crossmodal_Synchronization`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::CatalogPaper;

/// The canonical name of papers with no usable mechanism badge: the one definition every stage
/// uses (catalogue, graph, analysis, figures). Shown as [`display_mechanism`] writes it.
pub const UNSPECIFIED: &str = "unspecified";

/// A canonical mechanism name as people read it: [`UNSPECIFIED`] is shown `Unspecified`, like the
/// capitalized canonical names beside it (`Token Pruning`); other names as they are.
pub fn display_mechanism(name: &str) -> std::borrow::Cow<'_, str> {
    if name == UNSPECIFIED {
        "Unspecified".into()
    } else {
        name.into()
    }
}

/// How many catalogue papers carry each canonical mechanism: the tie-breaker of
/// [`Self::primary`] and [`Self::most_frequent`].
#[derive(Debug, Clone, Default)]
pub struct MechanismCounts<'a> {
    papers: HashMap<&'a str, usize>,
}

impl<'a> MechanismCounts<'a> {
    /// Counts over every paper of the catalogue (a paper counts once per mechanism it carries).
    pub fn of(papers: &'a [CatalogPaper]) -> Self {
        let mut counts = HashMap::new();
        for paper in papers {
            for m in &paper.mechanisms {
                *counts.entry(m.as_str()).or_insert(0) += 1;
            }
        }
        Self { papers: counts }
    }

    /// The one mechanism of a paper where it must be in a single group (NMI, ARI, modularity of
    /// the mechanism partition, homophily): its first orange badge as written when that names one
    /// of its canonical mechanisms, else [`Self::most_frequent`] of them.
    pub fn primary(&self, paper: &CatalogPaper) -> String {
        for written in &paper.badges.mechanism {
            let written = label_key(written);
            if let Some(m) = paper.mechanisms.iter().find(|m| label_key(m) == written) {
                return m.clone();
            }
        }
        self.most_frequent(&paper.mechanisms)
    }

    /// The mechanism of `mechanisms` shared by most catalogue papers; ties go to the first name in
    /// sort order; [`UNSPECIFIED`] when `mechanisms` is empty.
    pub fn most_frequent(&self, mechanisms: &[String]) -> String {
        let mut best: Option<(&String, usize)> = None;
        for m in mechanisms {
            let f = self.papers.get(m.as_str()).copied().unwrap_or(0);
            let better = match best {
                None => true,
                Some((bm, bf)) => f > bf || (f == bf && m < bm),
            };
            if better {
                best = Some((m, f));
            }
        }
        best.map(|(m, _)| m.clone())
            .unwrap_or_else(|| UNSPECIFIED.to_string())
    }
}

/// The mechanisms of several catalogue papers united (several keys resolved to one record): sorted,
/// distinct, [`UNSPECIFIED`] dropped when a real mechanism is present and alone when none is.
pub fn unite_mechanisms(mechanisms: &mut Vec<String>) {
    mechanisms.sort();
    mechanisms.dedup();
    if mechanisms.len() > 1 {
        mechanisms.retain(|m| m != UNSPECIFIED);
    }
    if mechanisms.is_empty() {
        mechanisms.push(UNSPECIFIED.to_string());
    }
}

const BUILTIN_ALIASES: &[(&str, &[&str])] = &[
    (
        "Token Pruning",
        &[
            "Token Pruning",
            "Pruning",
            "Purning",
            "Fuzzy-based Token Pruning",
            "Token Selection",
            "Skimming",
            "Expire",
            "Agent",
            "Most-used",
            "Concrete Masking",
            "Masked Training",
            "Drop-and-Restore",
            "Restore",
        ],
    ),
    (
        "Token Merging",
        &[
            "Token Merging",
            "Merging",
            "Clustering",
            "Token Combining",
            "Token Ensemble",
            "Token Folding",
            "Averaging",
            "Aaveraging",
        ],
    ),
    (
        "Token Caching",
        &["Token Caching", "Caching", "Offloading", "Retention"],
    ),
    (
        "Token Sharing",
        &["Token Sharing", "Sharing", "Reusing", "Copy"],
    ),
    (
        "Pooling & Downsampling",
        &[
            "Pooling",
            "Token Pooling",
            "Token Downsampling",
            "Downsampling",
            "Conv",
        ],
    ),
    (
        "Chunking & Retrieval",
        &[
            "Chunking",
            "Query chunking",
            "Retrieving",
            "Retrieval",
            "Top-k retrieval",
            "Divide and Conquer",
            "Divide and Donquer",
        ],
    ),
    (
        "Sparse Attention",
        &[
            "Sparse Attention",
            "Top-k attention",
            "kNN Attention",
            "Locality-Sensitive Hashing",
            "Routing Attention",
            "Sparsity",
            "Sparse Inference",
            "Linear Attention",
            "Average Attention",
            "Attention Back-tracking",
        ],
    ),
    ("Soft Prompt", &["Soft Prompt", "Soft Token"]),
    (
        "Token Compression",
        &["Token Compression", "Extreme Compression", "Low Bitrate"],
    ),
    ("Quantization", &["Quantization"]),
    ("Early Exit", &["Early Exit", "Conditional Computation"]),
    ("Model Pruning", &["Head Pruning", "Channel Pruning"]),
    ("Sequence Parallelism", &["Sequence Parallelism"]),
];

const BUILTIN_NOT_MECHANISMS: &[&str] = &[
    "Compression Mechanism",
    "Reduction Mechanism",
    "Mechanism",
    "Training Free",
    "Training Based",
    "Zero Shot TTS",
    "Speech Large Language Models",
    "GPU Acceleration",
    "Crossmodal Synchronization",
];

/// How one orange label is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mechanism {
    /// A label of the table (or the user's file), with its canonical name.
    Known(String),
    /// A label nobody mapped: kept under its own name, and reported so the table can grow.
    Unknown(String),
    /// Not a mechanism at all (legend badge, training badge in the wrong colour, ...).
    Ignored,
}

/// The alias table: built-in entries, then the user's file on top.
#[derive(Debug, Clone)]
pub struct MechanismTable {
    aliases: HashMap<String, String>,
    ignored: HashSet<String>,
}

/// Errors reading `--mechanisms FILE`. Each message is whole (the cause is in it, not chained
/// after it), so it is printed once.
#[derive(Debug, thiserror::Error)]
pub enum MechanismFileError {
    #[error("cannot read the mechanisms file {path}: {reason}")]
    Read {
        path: String,
        reason: std::io::Error,
    },
    #[error("the mechanisms file {path} is not valid TOML ({reason}); expected `[aliases]` with lines like \"Token Dropping\" = \"Token Pruning\"")]
    Parse {
        path: String,
        reason: Box<toml::de::Error>,
    },
    #[error("the mechanisms file {path} maps {label:?} to an empty canonical name; list it in `not_mechanisms` instead")]
    EmptyCanonical { path: String, label: String },
    #[error("the mechanisms file {path} maps {label:?} to {value}; write a canonical name in quotes (\"{label}\" = \"Token Pruning\"), or list labels that are not mechanisms as not_mechanisms = [\"Label\", ...]")]
    NotAName {
        path: String,
        label: String,
        value: String,
    },
}

/// The file's shape. `not_mechanisms` may stand before `[aliases]` (top level) or inside it, as
/// people write it (the README's example has it inside).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MechanismFile {
    #[serde(default)]
    aliases: HashMap<String, toml::Value>,
    #[serde(default)]
    not_mechanisms: Vec<String>,
}

/// The key that lists labels that are not mechanisms.
const NOT_MECHANISMS: &str = "not_mechanisms";

/// The comparison form of a label: lower case, words of letters and digits only.
pub fn label_key(label: &str) -> String {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Default for MechanismTable {
    fn default() -> Self {
        let mut aliases = HashMap::new();
        for (canonical, labels) in BUILTIN_ALIASES {
            // A canonical name is a label of itself: citegraph writes it on the badges of the
            // suggestions it makes, and a maintainer may write it too.
            for label in labels.iter().chain([canonical]) {
                aliases.insert(label_key(label), (*canonical).to_string());
            }
        }
        let ignored = BUILTIN_NOT_MECHANISMS
            .iter()
            .map(|label| label_key(label))
            .collect();
        Self { aliases, ignored }
    }
}

impl MechanismTable {
    /// The built-in table extended by the user's TOML file, when given.
    pub fn load(user_file: Option<&Path>) -> Result<Self, MechanismFileError> {
        let mut table = Self::default();
        let Some(path) = user_file else {
            return Ok(table);
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|reason| MechanismFileError::Read {
            path: shown.clone(),
            reason,
        })?;
        table.extend_from_toml(&text, &shown)?;
        Ok(table)
    }

    fn extend_from_toml(&mut self, text: &str, shown: &str) -> Result<(), MechanismFileError> {
        let file: MechanismFile =
            toml::from_str(text).map_err(|reason| MechanismFileError::Parse {
                path: shown.to_string(),
                reason: Box::new(reason),
            })?;
        let mut not_mechanisms = file.not_mechanisms;
        // Sorted, so that a file's errors and overrides do not depend on hash order.
        let mut aliases: Vec<(String, toml::Value)> = file.aliases.into_iter().collect();
        aliases.sort_by(|a, b| a.0.cmp(&b.0));
        for (label, value) in aliases {
            let canonical = match (label.as_str(), value) {
                (NOT_MECHANISMS, toml::Value::Array(items)) => {
                    for item in items {
                        match item {
                            toml::Value::String(s) => not_mechanisms.push(s),
                            other => {
                                return Err(MechanismFileError::NotAName {
                                    path: shown.to_string(),
                                    label,
                                    value: other.to_string(),
                                })
                            }
                        }
                    }
                    continue;
                }
                (_, toml::Value::String(canonical)) => canonical,
                (_, other) => {
                    return Err(MechanismFileError::NotAName {
                        path: shown.to_string(),
                        label,
                        value: other.to_string(),
                    })
                }
            };
            let canonical = canonical.trim();
            if canonical.is_empty() {
                return Err(MechanismFileError::EmptyCanonical {
                    path: shown.to_string(),
                    label,
                });
            }
            let key = label_key(&label);
            self.ignored.remove(&key);
            self.aliases.insert(key, canonical.to_string());
        }
        for label in not_mechanisms {
            let key = label_key(&label);
            self.aliases.remove(&key);
            self.ignored.insert(key);
        }
        Ok(())
    }

    /// Reads one orange label.
    pub fn classify(&self, label: &str) -> Mechanism {
        let key = label_key(label);
        if let Some(canonical) = self.aliases.get(&key) {
            Mechanism::Known(canonical.clone())
        } else if key.is_empty() || self.ignored.contains(&key) {
            Mechanism::Ignored
        } else {
            Mechanism::Unknown(label.trim().to_string())
        }
    }

    /// True when a label of another colour names a mechanism (a hint for `no-mechanism` findings).
    pub fn is_mechanism_label(&self, label: &str) -> bool {
        self.aliases.contains_key(&label_key(label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE_ORANGE_LABELS: &[&str] = &[
        "Token_Pruning",
        "Pruning",
        "Token_Merging",
        "Token_Caching",
        "Merging",
        "Sharing",
        "Pooling",
        "Caching",
        "Chunking",
        "Conv",
        "Soft_Prompt",
        "Reusing",
        "Token_Compression",
        "Quantization",
        "Masked_Training",
        "Skimming",
        "Early_Exit",
        "Drop--and--Restore",
        "Clustering",
        "kNN_Attention",
        "Top--k_retrieval",
        "Top--k_attention",
        "Token_Sharing",
        "Token_Selection",
        "Token_Folding",
        "Token_Ensemble",
        "Token_Downsampling",
        "Token_Combining",
        "Sparsity",
        "Sparse_Inference",
        "Soft_Token",
        "Sequence_Parallelism",
        "Routing_Attention",
        "Retrieving",
        "Retention",
        "Restore",
        "Query_chunking",
        "Purning",
        "Offloading",
        "Most--used",
        "Low_Bitrate",
        "Locality--Sensitive_Hashing",
        "Linear_Attention",
        "Head_Pruning",
        "Fuzzy--based_Token_Pruning",
        "Extreme_Compression",
        "Expire",
        "Divide_and_Donquer",
        "Copy",
        "Conditional_Computation",
        "Concrete_Masking",
        "Channel_Pruning",
        "Average_Attention",
        "Attention_Back--tracking",
        "Agent",
        "Aaveraging",
    ];

    fn decoded(label: &str) -> String {
        let url = format!("https://img.shields.io/badge/{label}-orange");
        super::super::badges::decode_badge(&url)
            .expect("badge")
            .label
    }

    #[test]
    fn every_orange_label_of_the_catalogue_has_a_canonical_name() {
        let table = MechanismTable::default();
        for label in CATALOGUE_ORANGE_LABELS {
            let label = decoded(label);
            assert!(
                matches!(table.classify(&label), Mechanism::Known(_)),
                "{label} is not in the alias table"
            );
        }
    }

    #[test]
    fn spellings_of_one_mechanism_agree() {
        let table = MechanismTable::default();
        let canonical = |l: &str| match table.classify(l) {
            Mechanism::Known(c) => c,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(canonical("Token_Pruning"), "Token Pruning");
        assert_eq!(canonical("Pruning"), "Token Pruning");
        assert_eq!(canonical("purning"), "Token Pruning");
        assert_eq!(canonical("Token Merging"), "Token Merging");
        assert_eq!(canonical("MERGING"), "Token Merging");
        assert_eq!(canonical("Caching"), "Token Caching");
        assert_eq!(canonical("Token-Caching"), "Token Caching");
        assert_eq!(canonical("Top-k attention"), "Sparse Attention");
    }

    #[test]
    fn legend_and_misplaced_badges_are_not_mechanisms() {
        let table = MechanismTable::default();
        for label in [
            "Compression Mechanism",
            "Reduction_Mechanism",
            "Training Free",
            "Zero Shot TTS",
            "GPU Acceleration",
            "",
        ] {
            assert_eq!(table.classify(label), Mechanism::Ignored, "{label}");
        }
        assert_eq!(
            table.classify("Speculative Decoding"),
            Mechanism::Unknown("Speculative Decoding".into())
        );
    }

    #[test]
    fn user_file_extends_and_overrides() {
        let mut table = MechanismTable::default();
        table
            .extend_from_toml(
                "not_mechanisms = [\"Conv\"]\n[aliases]\n\"Token Dropping\" = \"Token Pruning\"\n\"GPU Acceleration\" = \"Hardware\"\n\"Caching\" = \"KV Cache\"\n",
                "m.toml",
            )
            .unwrap();
        assert_eq!(
            table.classify("token_dropping"),
            Mechanism::Known("Token Pruning".into())
        );
        assert_eq!(
            table.classify("GPU Acceleration"),
            Mechanism::Known("Hardware".into())
        );
        assert_eq!(
            table.classify("Caching"),
            Mechanism::Known("KV Cache".into())
        );
        assert_eq!(table.classify("Conv"), Mechanism::Ignored);
    }

    #[test]
    fn bad_user_files_are_clear_errors() {
        let mut table = MechanismTable::default();
        let err = table.extend_from_toml("[aliases\n", "m.toml").unwrap_err();
        assert!(err.to_string().contains("m.toml"), "{err}");
        let err = table
            .extend_from_toml("[aliases]\n\"X\" = \" \"\n", "m.toml")
            .unwrap_err();
        assert!(err.to_string().contains("not_mechanisms"), "{err}");
        let err = table.extend_from_toml("[alias]\n", "m.toml").unwrap_err();
        assert!(err.to_string().contains("[aliases]"), "{err}");
        let err = MechanismTable::load(Some(Path::new("/nonexistent/m.toml"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/m.toml"), "{err}");
        let err = table
            .extend_from_toml("[aliases]\n\"X\" = 3\n", "m.toml")
            .unwrap_err();
        assert!(err.to_string().contains("\"X\" to 3"), "{err}");
    }

    /// The error is printed once: its cause is in its message, not chained after it as well.
    #[test]
    fn file_errors_carry_no_chained_cause() {
        use std::error::Error as _;
        let mut table = MechanismTable::default();
        let err = table.extend_from_toml("[aliases\n", "m.toml").unwrap_err();
        assert!(err.source().is_none(), "{err}");
        let err = MechanismTable::load(Some(Path::new("/nonexistent/m.toml"))).unwrap_err();
        assert!(err.source().is_none(), "{err}");
    }

    #[test]
    fn not_mechanisms_inside_the_aliases_table() {
        let mut table = MechanismTable::default();
        table
            .extend_from_toml(
                "[aliases]\n\"Token Dropping\" = \"Token Pruning\"\nnot_mechanisms = [\"Plug and Play\", \"Conv\"]\n",
                "m.toml",
            )
            .unwrap();
        assert_eq!(table.classify("Plug_and_Play"), Mechanism::Ignored);
        assert_eq!(table.classify("Conv"), Mechanism::Ignored);
        assert_eq!(
            table.classify("Token Dropping"),
            Mechanism::Known("Token Pruning".into())
        );
    }

    #[test]
    fn primary_mechanism_follows_the_first_badge_then_the_most_frequent() {
        let paper = |mechanisms: &[&str], written: &[&str]| CatalogPaper {
            mechanisms: mechanisms.iter().map(|m| m.to_string()).collect(),
            badges: super::super::Badges {
                mechanism: written.iter().map(|m| m.to_string()).collect(),
                ..Default::default()
            },
            ..CatalogPaper::default()
        };
        let papers = vec![
            paper(
                &["Token Merging", "Token Pruning"],
                &["Token_Pruning", "Merging"],
            ),
            paper(&["Token Merging"], &["Merging"]),
            paper(&["Token Merging", "Token Pruning"], &["Conv"]),
            paper(&[UNSPECIFIED], &[]),
        ];
        let counts = MechanismCounts::of(&papers);
        assert_eq!(counts.primary(&papers[0]), "Token Pruning");
        assert_eq!(counts.primary(&papers[1]), "Token Merging");
        // No badge names a mechanism of the paper: the more frequent one.
        assert_eq!(counts.primary(&papers[2]), "Token Merging");
        assert_eq!(counts.primary(&papers[3]), UNSPECIFIED);
        assert_eq!(counts.most_frequent(&[]), UNSPECIFIED);
        // A tie goes to the first name.
        let tied = vec![paper(&["B"], &[]), paper(&["A"], &[])];
        let counts = MechanismCounts::of(&tied);
        assert_eq!(counts.most_frequent(&["B".into(), "A".into()]), "A");
    }

    #[test]
    fn united_mechanisms_drop_unspecified_beside_a_real_one() {
        let mut m = vec![
            "Token Pruning".to_string(),
            UNSPECIFIED.into(),
            "Token Pruning".into(),
        ];
        unite_mechanisms(&mut m);
        assert_eq!(m, ["Token Pruning"]);
        let mut m = vec![];
        unite_mechanisms(&mut m);
        assert_eq!(m, [UNSPECIFIED]);
        assert_eq!(display_mechanism(UNSPECIFIED), "Unspecified");
        assert_eq!(display_mechanism("Token Pruning"), "Token Pruning");
    }

    #[test]
    fn every_canonical_name_reads_as_itself() {
        let table = MechanismTable::default();
        for (canonical, _) in BUILTIN_ALIASES {
            assert_eq!(
                table.aliases.get(&label_key(canonical)).map(String::as_str),
                Some(*canonical),
                "{canonical}"
            );
        }
    }
}
