//! The lint kinds: every kind of [`super::LintFinding`], how serious it is, how to fix it and its
//! name in `catalog.json`, `lint.csv` and the digest, each property one `match` so that a new kind
//! does not compile until it has all of them. Reading problems ([`super::Warning`]s: a line that
//! looks like an entry but could not be read, a stray control byte, ...) are listed beside the
//! findings under the kind [`LintKind::Reading`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How serious a finding is, for `lint.csv` and for a list's CI (`--strict` fails on the chosen
/// severities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The list says something wrong (a link to another paper, broken Markdown): fix it.
    Error,
    /// The list is inconsistent or incomplete (duplicates that disagree, gaps, no paper link).
    Warning,
    /// Worth a look, often intended (a legend badge painted like a mechanism).
    Note,
}

impl Severity {
    /// The lower-case name written in `lint.csv` and printed by `citegraph lint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// One kind of lint finding. The variants are declared most actionable first, and `Ord` follows
/// that order: it is the order findings are listed in (`catalog.json`, `lint.csv`, the summary).
/// Serialized as its kebab-case name ([`LintKind::as_str`]); reading an unknown name is an error
/// (a `catalog.json` or `metrics.json` written by another version is refused with its path, never
/// read with a guessed severity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LintKind {
    /// An entry links an id (arXiv, DOI, ACL, OpenReview) that belongs to another paper.
    ConflictingId,
    /// Two catalogue papers are one work: their titles agree once a leading method name
    /// ("ATS: ...") is set aside, they share a DOI, or (after resolution) they resolved to one
    /// Semantic Scholar record or one work. Counted once in every output; the finding names both
    /// listings and proposes the one to keep.
    DuplicatePaper,
    /// Two listings of one paper carry different badges.
    DuplicateDisagrees,
    /// Two listings of one paper spell its title differently.
    TitleDiffers,
    /// A paper is listed twice under the same headings of one file.
    DuplicateInSection,
    /// A written number (`[n]`) skips one.
    NumberingGap,
    /// A written number (`[n]`) repeats or goes back.
    NumberingRepeat,
    /// An entry has no paper link.
    NoPaperLink,
    /// An entry has no orange mechanism badge (in a list that uses them).
    NoMechanism,
    /// An orange badge whose label is not a mechanism (a legend label).
    NotAMechanism,
    /// A mechanism label in no alias table.
    UnknownMechanism,
    /// A nested link target (`[Code]([url](url))`) or a link left unclosed.
    MalformedLink,
    /// A problem reading the Markdown (a [`super::Warning`]), listed with the findings.
    Reading,
    /// A file, folder or entry the catalogue walk did not read as part of the list (citegraph's
    /// own outputs, a contributing guide, a template, `--exclude`: see `catalog/walk.rs`).
    Skipped,
    /// A catalogue paper OpenAlex flags as retracted (`is_retracted`): found by a run that asked
    /// OpenAlex about it (the report's catalogue lint, `metrics.json`, the digest).
    Retracted,
}

impl LintKind {
    /// Every kind, in listing order.
    pub const ALL: [LintKind; 15] = [
        Self::ConflictingId,
        Self::DuplicatePaper,
        Self::DuplicateDisagrees,
        Self::TitleDiffers,
        Self::DuplicateInSection,
        Self::NumberingGap,
        Self::NumberingRepeat,
        Self::NoPaperLink,
        Self::NoMechanism,
        Self::NotAMechanism,
        Self::UnknownMechanism,
        Self::MalformedLink,
        Self::Reading,
        Self::Skipped,
        Self::Retracted,
    ];

    /// The kebab-case name: `catalog.json`'s and `lint.csv`'s `kind`, the summary's `[kind]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConflictingId => "conflicting-id",
            Self::DuplicatePaper => "duplicate-paper",
            Self::DuplicateDisagrees => "duplicate-disagrees",
            Self::TitleDiffers => "title-differs",
            Self::DuplicateInSection => "duplicate-in-section",
            Self::NumberingGap => "numbering-gap",
            Self::NumberingRepeat => "numbering-repeat",
            Self::NoPaperLink => "no-paper-link",
            Self::NoMechanism => "no-mechanism",
            Self::NotAMechanism => "not-a-mechanism",
            Self::UnknownMechanism => "unknown-mechanism",
            Self::MalformedLink => "malformed-link",
            Self::Reading => "reading",
            Self::Skipped => "skipped",
            Self::Retracted => "retracted",
        }
    }

    /// How serious a finding of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            Self::ConflictingId | Self::MalformedLink | Self::Retracted => Severity::Error,
            Self::DuplicatePaper
            | Self::DuplicateDisagrees
            | Self::TitleDiffers
            | Self::DuplicateInSection
            | Self::NumberingGap
            | Self::NumberingRepeat
            | Self::NoPaperLink
            | Self::NoMechanism
            | Self::UnknownMechanism
            | Self::Reading => Severity::Warning,
            Self::NotAMechanism | Self::Skipped => Severity::Note,
        }
    }

    /// What the maintainer should change, in one line (`lint.csv`'s `fix`).
    pub fn fix(self) -> &'static str {
        match self {
            Self::ConflictingId => {
                "link this entry to its own paper (its arXiv, DOI, ACL or OpenReview page)"
            }
            Self::DuplicatePaper => {
                "keep the listing the message proposes and remove the other; if the paper belongs in both sections, give both listings the same title and link"
            }
            Self::DuplicateDisagrees => "give every listing of the paper the same badges",
            Self::TitleDiffers => "write the paper's title the same way in every listing",
            Self::DuplicateInSection => "remove the repeated entry",
            Self::NumberingGap | Self::NumberingRepeat => {
                "renumber the entries so that [n] counts up by one"
            }
            Self::NoPaperLink => "add [[Paper](URL)] with the arXiv, DOI or venue page",
            Self::NoMechanism => {
                "add an orange mechanism badge (or paint orange the badge the message names), e.g. ![](https://img.shields.io/badge/Token_Pruning-orange)"
            }
            Self::NotAMechanism => {
                "paint the badge in its legend colour, or map it with --mechanisms FILE"
            }
            Self::UnknownMechanism => {
                "use a known mechanism label, or map it under [aliases] with --mechanisms FILE"
            }
            Self::MalformedLink => "write the link as [[Code](URL)] with a plain URL inside",
            Self::Reading => "fix the Markdown at this place so the entry can be read",
            Self::Skipped => {
                "nothing to do if it is not part of the list; to read it, give it by name with --catalog PATH"
            }
            Self::Retracted => {
                "read the retraction notice; remove the entry, or mark it retracted in its title line"
            }
        }
    }
}

impl fmt::Display for LintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no lint kind, from a file written by another version (or edited by hand).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown lint kind {0:?} (this version knows {known})", known = known_kinds())]
pub struct UnknownLintKind(pub String);

fn known_kinds() -> String {
    LintKind::ALL.map(LintKind::as_str).join(", ")
}

impl std::str::FromStr for LintKind {
    type Err = UnknownLintKind;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        LintKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| UnknownLintKind(name.to_string()))
    }
}

impl Serialize for LintKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LintKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, LintFinding};

    #[test]
    fn every_kind_is_listed_once_in_order_with_a_hint() {
        for (i, kind) in LintKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.as_str().parse::<LintKind>(), Ok(kind));
            assert!(!kind.fix().is_empty(), "{kind}");
            if let Some(next) = LintKind::ALL.get(i + 1) {
                assert!(kind < *next, "{kind} is listed before {next}");
            }
        }
        assert_eq!(LintKind::ConflictingId.severity(), Severity::Error);
        assert_eq!(LintKind::NotAMechanism.severity(), Severity::Note);
        assert_eq!(LintKind::Reading.to_string(), "reading");
    }

    #[test]
    fn kinds_are_written_and_read_by_their_kebab_case_names() {
        let finding = LintFinding {
            kind: LintKind::NotAMechanism,
            message: "m".into(),
            file: Some("a.md".into()),
            line: Some(3),
            keys: vec!["arxiv:1".into()],
        };
        let json = serde_json::to_string(&finding).unwrap();
        assert!(json.starts_with(r#"{"kind":"not-a-mechanism","#), "{json}");
        assert_eq!(serde_json::from_str::<LintFinding>(&json).unwrap(), finding);
    }

    /// `watch` reads the previous run's catalog.json: a kind this version does not know (a typo,
    /// a newer version's kind) is an error that names it, not a finding of a guessed severity.
    #[test]
    fn an_unknown_kind_is_refused_when_reading() {
        let json = r#"{"papers":[],"lint":[{"kind":"numbering-gapp","message":"m","file":null,"line":null,"keys":[]}],"warnings":[]}"#;
        let err = serde_json::from_str::<Catalog>(json)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "unknown lint kind \"numbering-gapp\" (this version knows conflicting-id, "
            ),
            "{err}"
        );
        assert!(err.contains("line 1"), "{err}");
        assert_eq!(
            "new-kind".parse::<LintKind>(),
            Err(UnknownLintKind("new-kind".into()))
        );
    }
}
