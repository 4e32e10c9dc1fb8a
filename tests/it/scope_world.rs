//! The scope rule in both regimes of issue #23: the shared world with 15 papers of the field
//! planted that the list misses and 5 more landmarks (`scope_support`), with the world's own
//! counts (A, the catalogue papers take ~24 % of their citations from the list) and with the
//! catalogue's counts raised to a realistic share (B, ~7 %). Each test runs `analyze` on a
//! written snapshot (seconds) and `render` for `suggestions.md`.
//!
//! The rule was calibrated on other seeds of the planting (`SCOPE_SEEDS` in the README's
//! "Scope"); these tests assert on seed 7, which the calibration did not look at.

use std::collections::HashSet;
use std::path::Path;

use crate::analyze_support::analyze;
use crate::common;
use crate::scope_support::{write_world, Planted, Regime};

/// What one run gives away about the rule.
#[derive(Debug)]
pub struct Measured {
    pub pooled_rate: f64,
    /// Planted field papers in scope (as foundations).
    pub field_in_scope: usize,
    /// Planted field papers among the first 50 in-scope foundations.
    pub field_in_top50: usize,
    /// Landmarks among the first 25 in-scope foundations, by title.
    pub landmarks_in_top25: Vec<String>,
    /// Landmarks in scope at all.
    pub landmarks_in_scope: usize,
    /// Landmarks suggested (an entry of suggestions.md), by title.
    pub landmarks_suggested: Vec<String>,
    /// The world's 20 landmarks (truth.json) that are background.
    pub world_landmarks_background: usize,
}

/// `analyze` and `render` on the world of `regime` planted with `seed`, with `args`.
pub fn measure(regime: Regime, seed: u64, args: &[&str]) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("world.jsonl");
    let planted = write_world(&snapshot, regime, seed);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    analyze(&out, &snapshot, args);
    common::citegraph()
        .arg("render")
        .arg("--output-dir")
        .arg(&out)
        .args(["--figures", "papers-per-year", "--format", "svg", "-q"])
        .assert()
        .success();
    let measured = read(&out, &planted);
    if std::env::var_os("SCOPE_KEEP").is_some() {
        let rule = args.join("").replace("--scope-rule", "");
        let keep = std::env::temp_dir().join(format!("scope-{regime:?}-{seed}{rule}"));
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::rename(dir.keep(), &keep).unwrap();
        eprintln!("kept {}", keep.display());
    }
    measured
}

fn read(out: &Path, planted: &Planted) -> Measured {
    let mut reader = csv::Reader::from_path(out.join("missing.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, kind, scope) = (col("paper_id"), col("kind"), col("scope"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let foundations: Vec<&csv::StringRecord> =
        rows.iter().filter(|r| &r[kind] == "foundation").collect();
    let in_scope: Vec<&str> = foundations
        .iter()
        .filter(|r| &r[scope] == "in-scope")
        .map(|r| &r[id])
        .collect();
    let background: HashSet<&str> = foundations
        .iter()
        .filter(|r| &r[scope] == "background")
        .map(|r| &r[id])
        .collect();
    let field: HashSet<&str> = planted.field.iter().map(String::as_str).collect();
    let landmarks: HashSet<&str> = planted.landmarks.iter().map(String::as_str).collect();
    let title = |id: &str| planted.titles.get(id).cloned().unwrap_or_default();
    let suggestions = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    // The entries, not the background section that names landmarks on purpose.
    let entries = suggestions
        .split("\n## Foundations to cite in the survey's background")
        .next()
        .unwrap();
    Measured {
        pooled_rate: planted.pooled_rate,
        field_in_scope: in_scope.iter().filter(|v| field.contains(*v)).count(),
        field_in_top50: in_scope
            .iter()
            .take(50)
            .filter(|v| field.contains(*v))
            .count(),
        landmarks_in_top25: in_scope
            .iter()
            .take(25)
            .filter(|v| landmarks.contains(*v))
            .map(|v| title(v))
            .collect(),
        landmarks_in_scope: in_scope.iter().filter(|v| landmarks.contains(*v)).count(),
        landmarks_suggested: planted
            .landmarks
            .iter()
            .map(|v| title(v))
            .filter(|t| entries.contains(t.as_str()))
            .collect(),
        world_landmarks_background: planted
            .landmarks
            .iter()
            .filter(|v| !planted.planted_landmarks.contains(v))
            .filter(|v| background.contains(v.as_str()))
            .count(),
    }
}

fn assert_target(regime: Regime) {
    let m = measure(regime, 7, &[]);
    eprintln!("regime {regime:?}, seed 7: {m:#?}");
    assert!(
        m.field_in_scope >= 13 && m.field_in_top50 >= 13,
        "regime {regime:?}: {m:#?}"
    );
    assert!(m.landmarks_in_top25.len() <= 2, "regime {regime:?}: {m:#?}");
    assert!(
        m.landmarks_suggested.is_empty(),
        "regime {regime:?}: {m:#?}"
    );
    // Measured on this seed: every landmark is background in both regimes, the world's 20
    // among them.
    assert_eq!(m.landmarks_in_scope, 0, "regime {regime:?}: {m:#?}");
    assert_eq!(
        m.world_landmarks_background, 20,
        "regime {regime:?}: {m:#?}"
    );
    let rate = match regime {
        Regime::A => 0.2..=0.35,
        Regime::B => 0.06..=0.08,
    };
    assert!(rate.contains(&m.pooled_rate), "regime {regime:?}: {m:#?}");
}

#[test]
fn the_worlds_have_the_issues_pooled_rates() {
    for (regime, low, high) in [(Regime::A, 0.2, 0.35), (Regime::B, 0.06, 0.08)] {
        let dir = tempfile::tempdir().unwrap();
        let planted = write_world(&dir.path().join("w.jsonl"), regime, 7);
        assert!(
            (low..=high).contains(&planted.pooled_rate),
            "{regime:?}: {}",
            planted.pooled_rate
        );
        assert_eq!(planted.field.len(), 15);
        assert_eq!(planted.landmarks.len(), 25);
    }
}

#[test]
fn regime_a_keeps_the_field_papers_in_scope_and_the_landmarks_out() {
    assert_target(Regime::A);
}

#[test]
fn regime_b_keeps_the_field_papers_in_scope_and_the_landmarks_out() {
    assert_target(Regime::B);
}

/// The earlier rule (`--scope-rule field-rate`: one pooled rate) fails the way issue #23 says,
/// on the same worlds: with the world's counts most planted field papers are called background;
/// with realistic counts the landmarks enter the top of the in-scope list and the suggestions.
#[test]
fn the_pooled_rate_fails_in_both_regimes() {
    let a = measure(Regime::A, 7, &["--scope-rule", "field-rate"]);
    eprintln!("field-rate, regime A, seed 7: {a:#?}");
    assert!(15 - a.field_in_scope >= 8, "{a:#?}");
    let b = measure(Regime::B, 7, &["--scope-rule", "field-rate"]);
    eprintln!("field-rate, regime B, seed 7: {b:#?}");
    assert!(b.landmarks_in_top25.len() >= 5, "{b:#?}");
    assert!(b.landmarks_suggested.len() >= 5, "{b:#?}");
}

/// Prints the measurements on the calibration seeds, both rules (run by hand with
/// `--ignored --nocapture`).
#[test]
#[ignore]
fn measure_calibration_seeds() {
    for seed in [11, 12, 13] {
        for regime in [Regime::A, Regime::B] {
            for rule in ["signals", "field-rate"] {
                let m = measure(regime, seed, &["--scope-rule", rule]);
                eprintln!("{rule} {regime:?} {seed}: {m:#?}");
            }
        }
    }
}
