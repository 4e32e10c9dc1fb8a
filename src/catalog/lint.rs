//! The lint rules: every kind of [`super::LintFinding`], how serious it is and how to fix it, in the
//! order findings are listed (most actionable first). Reading problems ([`super::Warning`]s: a
//! line that looks like an entry but could not be read, a stray control byte, ...) are reported
//! beside the findings under the kind [`READING`].

use serde::{Deserialize, Serialize};

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
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// One kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintRule {
    pub kind: &'static str,
    pub severity: Severity,
    /// What the maintainer should change, in one line.
    pub fix: &'static str,
}

/// The kind under which reading warnings are listed with the findings.
pub const READING: &str = "reading";

/// Every rule, most actionable first.
pub const LINT_RULES: &[LintRule] = &[
    LintRule {
        kind: "conflicting-id",
        severity: Severity::Error,
        fix: "link this entry to its own paper (its arXiv, DOI, ACL or OpenReview page)",
    },
    LintRule {
        kind: "duplicate-disagrees",
        severity: Severity::Warning,
        fix: "give every listing of the paper the same badges",
    },
    LintRule {
        kind: "title-differs",
        severity: Severity::Warning,
        fix: "write the paper's title the same way in every listing",
    },
    LintRule {
        kind: "duplicate-in-section",
        severity: Severity::Warning,
        fix: "remove the repeated entry",
    },
    LintRule {
        kind: "numbering-gap",
        severity: Severity::Warning,
        fix: "renumber the entries so that [n] counts up by one",
    },
    LintRule {
        kind: "numbering-repeat",
        severity: Severity::Warning,
        fix: "renumber the entries so that [n] counts up by one",
    },
    LintRule {
        kind: "no-paper-link",
        severity: Severity::Warning,
        fix: "add [[Paper](URL)] with the arXiv, DOI or venue page",
    },
    LintRule {
        kind: "no-mechanism",
        severity: Severity::Warning,
        fix: "add an orange mechanism badge, e.g. ![](https://img.shields.io/badge/Token_Pruning-orange)",
    },
    LintRule {
        kind: "not-a-mechanism",
        severity: Severity::Note,
        fix: "paint the badge in its legend colour, or map it with --mechanisms FILE",
    },
    LintRule {
        kind: "unknown-mechanism",
        severity: Severity::Warning,
        fix: "use a known mechanism label, or map it under [aliases] with --mechanisms FILE",
    },
    LintRule {
        kind: "malformed-link",
        severity: Severity::Error,
        fix: "write the link as [[Code](URL)] with a plain URL inside",
    },
    LintRule {
        kind: READING,
        severity: Severity::Warning,
        fix: "fix the Markdown at this place so the entry can be read",
    },
];

/// The rule of `kind`; unknown kinds (from a newer catalog.json) are warnings with no hint.
pub fn rule(kind: &str) -> LintRule {
    LINT_RULES
        .iter()
        .find(|r| r.kind == kind)
        .copied()
        .unwrap_or(LintRule {
            kind: "",
            severity: Severity::Warning,
            fix: "",
        })
}

/// Position of `kind` in [`LINT_RULES`] (unknown kinds last): the order findings are listed in.
pub fn rank(kind: &str) -> usize {
    LINT_RULES
        .iter()
        .position(|r| r.kind == kind)
        .unwrap_or(LINT_RULES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_rule_and_a_hint() {
        for (i, r) in LINT_RULES.iter().enumerate() {
            assert_eq!(rank(r.kind), i, "{} listed twice", r.kind);
            assert!(!r.fix.is_empty(), "{}", r.kind);
        }
        assert_eq!(rule("conflicting-id").severity, Severity::Error);
        assert_eq!(rule("new-kind").severity, Severity::Warning);
        assert_eq!(rank("new-kind"), LINT_RULES.len());
    }
}
