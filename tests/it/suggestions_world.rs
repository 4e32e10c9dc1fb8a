//! suggestions.md on the world snapshot with the real catalogue, read back by the catalogue
//! reader as a maintainer's list would be: every suggestion is an entry with its number, venue in
//! the list's style, authors, links, BibTeX block and badges (blue from a `Name:` title, green from
//! the catalogue papers it is tied to, orange as predicted), under the file and section where it
//! belongs, numbered to continue that section of the real list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use citegraph::analysis::{Analysis, MissingKind, MissingPaper};
use citegraph::catalog::{parse_file, BadgeGroup, RawEntry};
use citegraph::render::labels::one_line;
use citegraph::render::{suggested, venues, SUGGESTIONS_PER_KIND};

use crate::analyze_support::analyze_world;
use crate::common;
use crate::common::mock_s2::{MockBuilder, World};

/// `analyze` then `render` (suggestions only matter here: one small figure) on the world.
fn world_outputs(out: &Path) -> Analysis {
    let analysis = analyze_world(out, &[]);
    common::citegraph()
        .arg("render")
        .arg("--output-dir")
        .arg(out)
        .args(["--figures", "papers-per-year", "--format", "svg", "-q"])
        .assert()
        .success();
    analysis
}

/// The catalogue's entries of `file` (relative to the catalogue root), as the reader reads them.
fn list_entries(file: &str) -> Vec<RawEntry> {
    let text = std::fs::read_to_string(common::catalog_dir().join(file))
        .unwrap_or_else(|e| panic!("{file} is not a file of the catalogue: {e}"));
    parse_file(file, "domain", &text).entries
}

fn is_year(heading: &str) -> bool {
    heading.len() == 4 && heading.chars().all(|c| c.is_ascii_digit())
}

#[test]
fn suggestions_read_back_as_entries_of_the_list_under_their_sections() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let analysis = world_outputs(&out);
    let markdown = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    let bib = std::fs::read_to_string(out.join("suggestions.bib")).unwrap();
    let read = parse_file("suggestions.md", "suggestions", &markdown);
    assert!(read.warnings.is_empty(), "{:#?}", read.warnings);
    // Each new year heading says where it goes: after the list's own section, or after the
    // heading suggested just above; never two new headings after one place.
    let places: Vec<&str> = markdown
        .lines()
        .filter(|l| l.starts_with("A new heading for ") && l.contains(", after "))
        .collect();
    let distinct: std::collections::HashSet<&&str> = places.iter().collect();
    assert_eq!(distinct.len(), places.len(), "{places:#?}");

    let papers: Vec<&MissingPaper> =
        suggested(&analysis, MissingKind::Candidate, SUGGESTIONS_PER_KIND)
            .into_iter()
            .chain(suggested(
                &analysis,
                MissingKind::Foundation,
                SUGGESTIONS_PER_KIND,
            ))
            .collect();
    assert_eq!(
        papers.len(),
        2 * SUGGESTIONS_PER_KIND,
        "the world has enough"
    );
    let by_title: BTreeMap<String, &RawEntry> = read
        .entries
        .iter()
        .filter(|e| e.number_written)
        .map(|e| (e.title.clone(), e))
        .collect();
    assert_eq!(
        by_title.len(),
        papers.len(),
        "one numbered entry per suggestion"
    );

    let mut catalogue_files: BTreeMap<String, Vec<RawEntry>> = BTreeMap::new();
    let mut with_green = 0;
    for paper in &papers {
        let entry = by_title
            .get(&one_line(&paper.title))
            .unwrap_or_else(|| panic!("{:?} not read back", paper.title));
        // Venue in the list's style, and never Semantic Scholar's raw "arXiv.org".
        let venue = paper
            .venue
            .as_deref()
            .and_then(|v| venues::list_style(v, &paper.venue_alternate_names))
            .or_else(|| {
                paper
                    .external_ids
                    .contains_key("ArXiv")
                    .then(|| "arXiv".into())
            });
        assert_eq!(entry.venue, venue, "{}", paper.title);
        assert_ne!(entry.venue.as_deref(), Some("arXiv.org"));
        assert_eq!(entry.year, paper.year, "{}", paper.title);
        let authors: Vec<String> = paper.authors.iter().take(10).map(|a| one_line(a)).collect();
        assert_eq!(entry.authors, authors, "{}", paper.title);
        assert_eq!(entry.links.paper.as_deref(), Some(paper.url.as_str()));
        // The BibTeX block is the paper's suggestions.bib entry, key and all.
        let block = entry.bibtex.as_deref().expect("a BibTeX block");
        let key = block
            .split_once('{')
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(key, _)| key)
            .unwrap();
        assert!(
            bib.contains(&format!("{{{key},")),
            "{key} not in suggestions.bib"
        );
        assert!(block.contains(&format!("year = {{{}}}", paper.year.unwrap())));

        let tied: BTreeSet<&str> = paper
            .evidence
            .values()
            .flatten()
            .map(String::as_str)
            .collect();
        with_green += usize::from(check_badges(paper, entry, &analysis, &tied));

        check_section(paper, entry, &analysis, &tied, &mut catalogue_files);
    }
    assert!(
        with_green > papers.len() / 2,
        "green badges on {with_green} entries"
    );

    numbering_continues_the_lists_sections(&by_title, &catalogue_files);
}

/// The entry's section: the file heading, then that file's own task (and year) headings, where
/// one of the catalogue papers it is tied to is listed; the paper's year where the list's section
/// has year headings.
fn check_section(
    paper: &MissingPaper,
    entry: &RawEntry,
    analysis: &Analysis,
    tied: &BTreeSet<&str>,
    catalogue_files: &mut BTreeMap<String, Vec<RawEntry>>,
) {
    let (file, headings) = entry.sections.split_first().expect("under a file heading");
    let tasks: Vec<&String> = headings.iter().filter(|h| !is_year(h)).collect();
    let entries = catalogue_files
        .entry(file.clone())
        .or_insert_with(|| list_entries(file));
    let in_task: Vec<&RawEntry> = entries
        .iter()
        .filter(|e| {
            e.sections
                .iter()
                .filter(|h| !is_year(h))
                .collect::<Vec<_>>()
                == tasks
        })
        .collect();
    assert!(!in_task.is_empty(), "{file} has no section {tasks:?}");
    let has_years = in_task
        .iter()
        .any(|e| e.sections.iter().any(|h| is_year(h)));
    let year = headings.iter().find(|h| is_year(h));
    if has_years {
        assert_eq!(
            year.map(|y| y.parse().unwrap()),
            paper.year,
            "{}",
            paper.title
        );
    } else {
        assert_eq!(year, None);
    }
    // Tied to the section: one of its catalogue papers is listed there.
    let listed_there = analysis
        .bibliography
        .iter()
        .filter(|s| tied.contains(s.key.as_str()))
        .flat_map(|s| &s.listings)
        .any(|l| {
            &l.file == file
                && l.sections
                    .iter()
                    .filter(|h| !is_year(h))
                    .collect::<Vec<_>>()
                    == tasks
        });
    assert!(listed_there, "{} placed in {file} {tasks:?}", paper.title);
}

/// Each section's suggestions are numbered consecutively from one past the list's largest number
/// under that heading; under a year heading the list lacks, from 1 or from one past the earlier
/// years where the list numbers across years.
fn numbering_continues_the_lists_sections(
    by_title: &BTreeMap<String, &RawEntry>,
    catalogue_files: &BTreeMap<String, Vec<RawEntry>>,
) {
    let mut sections: BTreeMap<&[String], Vec<u32>> = BTreeMap::new();
    for entry in by_title.values() {
        sections
            .entry(&entry.sections)
            .or_default()
            .push(entry.number.unwrap());
    }
    for (sections, mut numbers) in sections {
        numbers.sort_unstable();
        let (file, headings) = sections.split_first().unwrap();
        let entries = &catalogue_files[file];
        let same = |e: &&RawEntry| e.sections.as_slice() == headings;
        let largest = entries.iter().filter(same).filter_map(|e| e.number).max();
        let first = numbers[0];
        match largest {
            Some(largest) => assert_eq!(first, largest + 1, "{sections:?}"),
            // A year heading the list lacks: 1, or after the earlier years where the list
            // numbers across them.
            None => {
                let year = headings
                    .last()
                    .filter(|h| is_year(h))
                    .expect("a new year heading");
                let earlier = entries
                    .iter()
                    .filter(|e| {
                        e.sections.len() == headings.len()
                            && e.sections[..headings.len() - 1] == headings[..headings.len() - 1]
                    })
                    .filter(|e| e.sections.last().is_some_and(|y| y < year))
                    .filter_map(|e| e.number)
                    .max();
                assert!(
                    first == 1 || Some(first - 1) == earlier,
                    "{sections:?}: {first}"
                );
            }
        }
        let expected: Vec<u32> = (first..first + numbers.len() as u32).collect();
        assert_eq!(numbers, expected, "{sections:?}");
    }
}

/// The entry's badges: orange as predicted, else none (a red TODO the reader ignores instead);
/// green only application badges of the catalogue papers in its evidence; blue only from a
/// `Name:` title. Whether it has a green badge.
fn check_badges(
    paper: &MissingPaper,
    entry: &RawEntry,
    analysis: &Analysis,
    tied: &BTreeSet<&str>,
) -> bool {
    let labels = |group: BadgeGroup| -> Vec<String> {
        entry
            .badges
            .iter()
            .filter(|b| b.group == group)
            .map(|b| b.label.clone())
            .collect()
    };
    let known = !["uncertain", "unspecified"].contains(&paper.predicted_mechanism.as_str());
    if known {
        assert_eq!(
            labels(BadgeGroup::Mechanism),
            vec![paper.predicted_mechanism.clone()]
        );
    } else {
        assert!(labels(BadgeGroup::Mechanism).is_empty());
    }
    // Green: application badges of the catalogue papers in its evidence.
    let tied_applications: BTreeSet<&str> = analysis
        .bibliography
        .iter()
        .filter(|s| tied.contains(s.key.as_str()))
        .flat_map(|s| s.applications.iter().map(String::as_str))
        .collect();
    let green = labels(BadgeGroup::Application);
    for label in &green {
        assert!(
            tied_applications.contains(label.as_str()),
            "{label} on {}",
            paper.title
        );
    }
    // Blue only from a "Name:" prefix, which the world's titles lack.
    if !paper.title.contains(':') {
        assert!(labels(BadgeGroup::Abbreviation).is_empty());
    }
    !green.is_empty()
}

/// The foundation of ../shared/cases/one-work-two-records: one work of two records, F1 and F2,
/// reached only as links of the catalogue papers.
const FOUNDATION: [&str; 2] = [
    "88bfad9cfffeafd299a44d4daf979d57419a2621",
    "999d0cd62b8ea4c8cc007fa60dd7f242818b5349",
];

/// A foundation whose `publicationVenue` lists an acronym among its alternate names is written
/// with that acronym in suggestions.md: the entity is asked for the links of a fetch from the
/// API, carried to the node and the missing paper, and styles the entry. The entity is the one
/// recorded for this venue (fixtures/s2-recorded), whose first alternate names are not acronyms,
/// and the table does not know the venue.
#[test]
fn a_links_venue_entity_gives_the_lists_abbreviation() {
    let case = common::shared_dir().join("cases/one-work-two-records");
    let mut world = World::load(&case.join("world.jsonl"));
    let venue = "International Conference on Development and Learning";
    for id in FOUNDATION {
        let paper = world
            .paper_mut(id)
            .expect("the foundation in the case's world");
        paper["venue"] = serde_json::json!(venue);
        paper["publicationVenue"] = serde_json::json!({
            "id": "43cdd274-e9fc-43e9-acf3-f020552ac76a",
            "name": venue,
            "type": "conference",
            "alternate_names": ["Int Conf Dielectr Liq", "Int Conf Dev Learn",
                "International Conference on Dielectric Liquids", "ICDL"],
        });
    }
    let mock = MockBuilder::new(world).start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    common::citegraph()
        .arg("run")
        .arg("--catalog")
        .arg(case.join("list.md"))
        .args([
            "--api-url",
            &mock.url(),
            "--rps",
            "1000",
            "--retry-delay",
            "0.01",
        ])
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .arg("--output-dir")
        .arg(&out)
        .args(["--figures", "papers-per-year", "--format", "svg", "-q"])
        .assert()
        .success();
    let markdown = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    let read = parse_file("suggestions.md", "suggestions", &markdown);
    let entry = read
        .entries
        .iter()
        .find(|e| e.title == "Dynamic vision transformers with adaptive sequence length")
        .unwrap_or_else(|| panic!("the foundation is suggested:\n{markdown}"));
    assert_eq!(entry.venue.as_deref(), Some("ICDL"), "{markdown}");
    assert_eq!(entry.year, Some(2021));
    let line = markdown
        .lines()
        .find(|l| l.contains("adaptive sequence length**"))
        .unwrap();
    assert!(line.ends_with(", ICDL 2021."), "{line}");
}
