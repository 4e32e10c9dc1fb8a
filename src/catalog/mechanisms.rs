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

/// The canonical name of papers with no usable mechanism badge.
pub const UNSPECIFIED: &str = "unspecified";

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

/// Errors reading `--mechanisms FILE`.
#[derive(Debug, thiserror::Error)]
pub enum MechanismFileError {
    #[error("cannot read the mechanisms file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the mechanisms file {path} is not valid TOML ({source}); expected `[aliases]` with lines like \"Token Dropping\" = \"Token Pruning\"")]
    Parse {
        path: String,
        source: Box<toml::de::Error>,
    },
    #[error("the mechanisms file {path} maps {label:?} to an empty canonical name; list it in `not_mechanisms` instead")]
    EmptyCanonical { path: String, label: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MechanismFile {
    #[serde(default)]
    aliases: HashMap<String, String>,
    #[serde(default)]
    not_mechanisms: Vec<String>,
}

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
            for label in *labels {
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
        let text = std::fs::read_to_string(path).map_err(|source| MechanismFileError::Read {
            path: shown.clone(),
            source,
        })?;
        table.extend_from_toml(&text, &shown)?;
        Ok(table)
    }

    fn extend_from_toml(&mut self, text: &str, shown: &str) -> Result<(), MechanismFileError> {
        let file: MechanismFile =
            toml::from_str(text).map_err(|source| MechanismFileError::Parse {
                path: shown.to_string(),
                source: Box::new(source),
            })?;
        for (label, canonical) in file.aliases {
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
        for label in file.not_mechanisms {
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
    }
}
