//! Where a suggestion belongs in the list: the file and section (task headings, then the year
//! heading) of the catalogue papers it is most tied to, and the number that continues that
//! section's numbering; with the application (green) badges those papers carry.
//!
//! The places come from the analysis's [`BibSource::listings`] (file, line, written number and
//! headings of every listing, as the catalogue reader read them). A suggestion's evidence names
//! the catalogue papers it cites or is cited by; each of them gives one vote, split evenly over
//! its listings, to the (file, task headings) it is listed under, and the place with the most
//! votes wins (ties: the earlier file, then the earlier section). The year heading is the
//! paper's year when that section is divided by years (the latest year without one), none
//! otherwise.
//!
//! Numbering: the next number after the largest written in that year section; a year section the
//! list does not have yet starts at 1 where the list restarts its numbering at each year
//! heading, and continues from the earlier years' largest number where it numbers across years
//! (the Multi-modal list does).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analysis::{BibSource, MissingPaper};

/// A section of the list: its file and task headings (year headings left out).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Section {
    /// Path relative to the catalogue root, as the reader gives it (`Vision Domain/Understanding.md`).
    pub file: String,
    /// The task headings above the entries, outermost first (`["Image Recognition"]`), as the
    /// reader cleans them (no trailing colon); empty for a file divided by years only.
    pub tasks: Vec<String>,
}

/// Where one suggestion goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub section: Section,
    /// The year heading to paste under, when the section is divided by years.
    pub year: Option<i32>,
    /// Application badges (green) of the catalogue papers it is tied to in that section: those
    /// carried by most of them (more than half), most common first (at least the most common).
    pub applications: Vec<String>,
}

/// What the list has in one year section (or in a section without years).
#[derive(Debug, Clone, Copy, Default)]
struct Numbers {
    /// The largest number written there.
    largest: Option<u32>,
    /// The smallest number written there.
    smallest: Option<u32>,
    /// The last entry there: (line, its number).
    last: Option<(usize, Option<u32>)>,
}

/// The list's sections and their numbers, and the listings of every catalogue paper: built once
/// per render from the analysis's bibliography, O(listings).
pub struct Places<'a> {
    by_key: HashMap<&'a str, &'a BibSource>,
    /// (section, year) -> its numbers.
    numbers: BTreeMap<(Section, Option<i32>), Numbers>,
    /// File -> its position in the catalogue (file order).
    file_order: HashMap<String, usize>,
    /// Section -> the line of its first entry (the order sections are written in a file).
    first_line: HashMap<Section, usize>,
}

/// `sections` of a listing split into task headings and the year heading, if any.
fn split_sections(sections: &[String]) -> (Vec<String>, Option<i32>) {
    let mut tasks = Vec::new();
    let mut year = None;
    for heading in sections {
        match heading_year(heading) {
            Some(y) => year = Some(y),
            None => tasks.push(heading.clone()),
        }
    }
    (tasks, year)
}

/// A heading that is a year (`2024`), as the catalogue reader takes one.
fn heading_year(heading: &str) -> Option<i32> {
    let text = heading.trim();
    (text.len() == 4 && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|y| (1900..2100).contains(y))
}

impl<'a> Places<'a> {
    /// The places of the catalogue papers of `bibliography` (the analysis's, in catalogue order).
    pub fn new(bibliography: &'a [BibSource]) -> Self {
        let mut places = Places {
            by_key: bibliography.iter().map(|s| (s.key.as_str(), s)).collect(),
            numbers: BTreeMap::new(),
            file_order: HashMap::new(),
            first_line: HashMap::new(),
        };
        for listing in bibliography.iter().flat_map(|s| &s.listings) {
            let next = places.file_order.len();
            places
                .file_order
                .entry(listing.file.clone())
                .or_insert(next);
            let (tasks, year) = split_sections(&listing.sections);
            let section = Section {
                file: listing.file.clone(),
                tasks,
            };
            let first = places
                .first_line
                .entry(section.clone())
                .or_insert(listing.line);
            *first = (*first).min(listing.line);
            let numbers = places.numbers.entry((section, year)).or_default();
            if let Some(n) = listing.number {
                numbers.largest = Some(numbers.largest.map_or(n, |l| l.max(n)));
                numbers.smallest = Some(numbers.smallest.map_or(n, |s| s.min(n)));
            }
            if numbers.last.is_none_or(|(line, _)| listing.line > line) {
                numbers.last = Some((listing.line, listing.number));
            }
        }
        places
    }

    /// Where `paper` belongs, from the catalogue papers in its evidence; `None` when none of
    /// them has a listing (an analysis without the catalogue's places).
    pub fn place(&self, paper: &MissingPaper) -> Option<Place> {
        let tied: BTreeSet<&str> = paper
            .evidence
            .values()
            .flatten()
            .map(String::as_str)
            .collect();
        let tied: Vec<&BibSource> = tied
            .iter()
            .filter_map(|key| self.by_key.get(key).copied())
            .filter(|source| !source.listings.is_empty())
            .collect();
        let mut votes: HashMap<Section, f64> = HashMap::new();
        for source in &tied {
            let share = 1.0 / source.listings.len() as f64;
            for listing in &source.listings {
                let section = Section {
                    file: listing.file.clone(),
                    tasks: split_sections(&listing.sections).0,
                };
                *votes.entry(section).or_default() += share;
            }
        }
        let section = votes
            .into_iter()
            .max_by(|(a, va), (b, vb)| {
                va.total_cmp(vb)
                    .then_with(|| self.order(b).cmp(&self.order(a)))
            })?
            .0;
        let years: Vec<i32> = self
            .numbers
            .keys()
            .filter(|(s, year)| *s == section && year.is_some())
            .filter_map(|(_, year)| *year)
            .collect();
        let year = if years.is_empty() {
            None
        } else {
            paper.year.or_else(|| years.iter().max().copied())
        };
        let here: Vec<&BibSource> = tied
            .iter()
            .copied()
            .filter(|source| {
                source.listings.iter().any(|l| {
                    l.file == section.file && split_sections(&l.sections).0 == section.tasks
                })
            })
            .collect();
        Some(Place {
            applications: applications(&here),
            section,
            year,
        })
    }

    /// The order sections are written in: file order, then the line of the section's first entry.
    pub fn order(&self, section: &Section) -> (usize, usize) {
        (
            self.file_order
                .get(&section.file)
                .copied()
                .unwrap_or(usize::MAX),
            self.first_line.get(section).copied().unwrap_or(usize::MAX),
        )
    }

    /// The number of the first suggestion pasted into `section` under `year`: one past the
    /// largest written there; in a year section the list lacks, 1 where the list restarts its
    /// numbering at each year heading, else one past the largest number of the earlier years
    /// (1 before them all).
    pub fn next_number(&self, section: &Section, year: Option<i32>) -> u32 {
        if let Some(largest) = self
            .numbers
            .get(&(section.clone(), year))
            .and_then(|n| n.largest)
        {
            return largest + 1;
        }
        let years: Vec<(Option<i32>, &Numbers)> = self
            .numbers
            .iter()
            .filter(|((s, _), _)| s == section)
            .map(|((_, y), numbers)| (*y, numbers))
            .collect();
        // Across years when a year section after the first does not start at 1.
        let across_years = years
            .iter()
            .skip(1)
            .any(|(_, n)| n.smallest.is_some_and(|s| s > 1));
        if !across_years {
            return 1;
        }
        years
            .iter()
            .filter(|(y, _)| *y < year)
            .filter_map(|(_, n)| n.largest)
            .max()
            .unwrap_or(0)
            + 1
    }

    /// The last entry the list has in `section` under `year` (its line and number), to paste
    /// after; `None` for a year section the list lacks.
    pub fn last_entry(&self, section: &Section, year: Option<i32>) -> Option<(usize, Option<u32>)> {
        self.numbers
            .get(&(section.clone(), year))
            .and_then(|n| n.last)
    }

    /// For a year section the list lacks: the nearest earlier year `section` has, with the line
    /// of its last entry (the new heading goes after it); `None` when `year` comes before them
    /// all or the section has no years.
    pub fn year_before(&self, section: &Section, year: i32) -> Option<(i32, usize)> {
        self.numbers
            .iter()
            .filter(|((s, y), _)| s == section && y.is_some_and(|y| y < year))
            .filter_map(|((_, y), n)| Some(((*y)?, n.last?.0)))
            .max()
    }
}

/// The application labels carried by more than half of `papers` (at least the most common one),
/// most common first, then by name.
fn applications(papers: &[&BibSource]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for paper in papers {
        let distinct: BTreeSet<&str> = paper.applications.iter().map(String::as_str).collect();
        for label in distinct {
            *counts.entry(label).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
        .iter()
        .enumerate()
        .filter(|(i, (_, count))| *i == 0 || 2 * count > papers.len())
        .map(|(_, (label, _))| (*label).to_string())
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::catalog::Listing;

    /// A catalogue listing in `file` at `line`, numbered `number`, under `sections` (also used
    /// by the tests of `suggestions.rs`).
    pub(in crate::render::suggestions) fn listing(
        file: &str,
        line: usize,
        number: u32,
        sections: &[&str],
    ) -> Listing {
        Listing {
            file: file.into(),
            line,
            number: Some(number),
            sections: sections.iter().map(|s| s.to_string()).collect(),
            domain: String::new(),
        }
    }

    fn source(key: &str, listings: Vec<Listing>, applications: &[&str]) -> BibSource {
        BibSource {
            key: key.into(),
            listings,
            applications: applications.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn tied_to(keys: &[&str], year: Option<i32>) -> MissingPaper {
        MissingPaper {
            year,
            evidence: BTreeMap::from([(
                "Token Pruning".to_string(),
                keys.iter().map(|k| k.to_string()).collect(),
            )]),
            ..Default::default()
        }
    }

    const VISION: &str = "Vision Domain/Understanding.md";
    const MULTI: &str = "Multi-modal Domain/Understanding.md";

    fn bibliography() -> Vec<BibSource> {
        vec![
            source(
                "a",
                vec![listing(VISION, 20, 1, &["Image Recognition", "2021"])],
                &["Image Recognition", "Video Recognition"],
            ),
            source(
                "b",
                vec![listing(VISION, 40, 2, &["Image Recognition", "2021"])],
                &["Image Recognition"],
            ),
            source(
                "c",
                vec![listing(VISION, 90, 1, &["Image Recognition", "2024"])],
                &["Image Recognition", "Object Detection"],
            ),
            source(
                "d",
                vec![listing(VISION, 470, 1, &["Video Recognition"])],
                &["Video Recognition"],
            ),
            source("m1", vec![listing(MULTI, 2, 1, &["2022"])], &["VQA"]),
            source("m2", vec![listing(MULTI, 9, 2, &["2023"])], &["VQA"]),
        ]
    }

    #[test]
    fn the_most_tied_section_wins_and_numbering_continues_it() {
        let bibliography = bibliography();
        let places = Places::new(&bibliography);
        let place = places
            .place(&tied_to(&["a", "b", "d"], Some(2021)))
            .unwrap();
        let image = Section {
            file: VISION.into(),
            tasks: vec!["Image Recognition".into()],
        };
        assert_eq!(place.section, image);
        assert_eq!(place.year, Some(2021));
        assert_eq!(place.applications, ["Image Recognition"]);
        assert_eq!(places.next_number(&image, Some(2021)), 3);
        assert_eq!(places.last_entry(&image, Some(2021)), Some((40, Some(2))));
        // A year the section lacks: this list restarts at each year heading.
        assert_eq!(places.next_number(&image, Some(2026)), 1);
        assert_eq!(places.last_entry(&image, Some(2026)), None);
    }

    #[test]
    fn a_section_without_years_gets_no_year_and_a_list_numbered_across_years_continues() {
        let bibliography = bibliography();
        let places = Places::new(&bibliography);
        let place = places.place(&tied_to(&["d"], Some(2025))).unwrap();
        assert_eq!(place.year, None);
        assert_eq!(places.next_number(&place.section, None), 2);
        let place = places.place(&tied_to(&["m1", "m2"], Some(2026))).unwrap();
        assert_eq!(place.section.tasks, Vec::<String>::new());
        assert_eq!(place.year, Some(2026));
        assert_eq!(places.next_number(&place.section, Some(2026)), 3);
        // Before every year of such a list: it starts at 1.
        assert_eq!(places.next_number(&place.section, Some(2017)), 1);
        assert_eq!(places.year_before(&place.section, 2026), Some((2023, 9)));
        assert_eq!(places.year_before(&place.section, 2017), None);
    }

    #[test]
    fn no_listing_no_place() {
        let places = Places::new(&[]);
        assert_eq!(places.place(&tied_to(&["a"], Some(2024))), None);
    }

    #[test]
    fn ties_go_to_the_earlier_section() {
        let bibliography = bibliography();
        let places = Places::new(&bibliography);
        let place = places.place(&tied_to(&["d", "c"], Some(2024))).unwrap();
        assert_eq!(place.section.tasks, ["Image Recognition"]);
    }
}
