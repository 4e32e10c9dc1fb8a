//! Venues in the list's style: the short name a maintainer writes ("ICLR 2016", "arXiv 2024"),
//! not Semantic Scholar's full one ("International Conference on Learning Representations",
//! "arXiv.org").
//!
//! [`list_style`] tries, in order: an acronym among `publicationVenue.alternate_names`
//! (`["AAAI Conf Artif Intell", "AAAI"]` -> `AAAI`; Semantic Scholar's own abbreviation of the
//! venue, so it wins), spelt as the table spells the same acronym (`ArXiv` -> `arXiv`); then,
//! as the fallback for records without a venue entity (snapshots, older caches), the table
//! [`COMMON_VENUES`] of the venues these lists cite most, under the names Semantic Scholar gives
//! them (its `venue` and `publicationVenue.name` strings, with their common variants), or a name
//! that is already short (`NeurIPS`, `CVPR`, kept as written); else the venue as Semantic Scholar
//! writes it, on one line.

use super::labels;

/// Full venue names (compared by [`venue_key`]: lower case, letters and digits, one space
/// between words) and the short name the lists write. The names are Semantic Scholar's (its
/// `venue` field and `publicationVenue` names: fixtures/s2-recorded and the API's answers for
/// the papers of the token-reduction list) and the common variants of the proceedings' titles.
pub const COMMON_VENUES: &[(&str, &str)] = &[
    ("arxiv org", "arXiv"),
    ("arxiv", "arXiv"),
    ("arxiv preprint", "arXiv"),
    ("corr", "arXiv"),
    ("biorxiv", "bioRxiv"),
    ("medrxiv", "medRxiv"),
    ("social science research network", "SSRN"),
    ("openreview net", "OpenReview"),
    ("neural information processing systems", "NeurIPS"),
    (
        "advances in neural information processing systems",
        "NeurIPS",
    ),
    (
        "conference on neural information processing systems",
        "NeurIPS",
    ),
    (
        "international conference on learning representations",
        "ICLR",
    ),
    ("international conference on machine learning", "ICML"),
    ("computer vision and pattern recognition", "CVPR"),
    (
        "ieee conference on computer vision and pattern recognition",
        "CVPR",
    ),
    (
        "ieee cvf conference on computer vision and pattern recognition",
        "CVPR",
    ),
    ("ieee international conference on computer vision", "ICCV"),
    (
        "ieee cvf international conference on computer vision",
        "ICCV",
    ),
    ("international conference on computer vision", "ICCV"),
    ("european conference on computer vision", "ECCV"),
    (
        "ieee workshop conference on applications of computer vision",
        "WACV",
    ),
    (
        "ieee winter conference on applications of computer vision",
        "WACV",
    ),
    ("workshop on applications of computer vision", "WACV"),
    ("british machine vision conference", "BMVC"),
    ("asian conference on computer vision", "ACCV"),
    ("aaai conference on artificial intelligence", "AAAI"),
    ("national conference on artificial intelligence", "AAAI"),
    (
        "international joint conference on artificial intelligence",
        "IJCAI",
    ),
    (
        "annual meeting of the association for computational linguistics",
        "ACL",
    ),
    (
        "north american chapter of the association for computational linguistics",
        "NAACL",
    ),
    (
        "conference of the european chapter of the association for computational linguistics",
        "EACL",
    ),
    (
        "conference on empirical methods in natural language processing",
        "EMNLP",
    ),
    (
        "international conference on computational linguistics",
        "COLING",
    ),
    (
        "transactions of the association for computational linguistics",
        "TACL",
    ),
    (
        "international conference on language resources and evaluation",
        "LREC",
    ),
    ("conference on language modeling", "COLM"),
    ("conference on machine learning and systems", "MLSys"),
    ("machine learning and systems", "MLSys"),
    ("knowledge discovery and data mining", "KDD"),
    ("acm multimedia", "ACM MM"),
    ("acm international conference on multimedia", "ACM MM"),
    (
        "ieee international conference on acoustics speech and signal processing",
        "ICASSP",
    ),
    ("interspeech", "Interspeech"),
    (
        "ieee international conference on multimedia and expo",
        "ICME",
    ),
    ("international conference on multimedia and expo", "ICME"),
    (
        "international symposium on high performance computer architecture",
        "HPCA",
    ),
    ("international symposium on computer architecture", "ISCA"),
    ("design automation conference", "DAC"),
    (
        "usenix symposium on operating systems design and implementation",
        "OSDI",
    ),
    ("symposium on operating systems principles", "SOSP"),
    ("the web conference", "WWW"),
    (
        "ieee international conference on robotics and automation",
        "ICRA",
    ),
    ("conference on robot learning", "CoRL"),
    ("transactions on machine learning research", "TMLR"),
    ("journal of machine learning research", "JMLR"),
    (
        "ieee transactions on pattern analysis and machine intelligence",
        "TPAMI",
    ),
    ("international journal of computer vision", "IJCV"),
    ("ieee transactions on image processing", "TIP"),
    (
        "ieee transactions on neural networks and learning systems",
        "TNNLS",
    ),
    (
        "ieee transactions on circuits and systems for video technology",
        "TCSVT",
    ),
    ("ieee transactions on multimedia", "TMM"),
    ("ieee access", "IEEE Access"),
];

/// `venue` in the list's style (see the module's docs), `None` for an empty venue. `venue` is
/// Semantic Scholar's `venue` string (a trailing year, "ICLR 2023", is dropped: the entry
/// writes the paper's year itself); `alternate_names` are its `publicationVenue`'s, in
/// Semantic Scholar's order, when known. Of several acronyms, the one the table writes for this
/// venue is taken, else the first. O(table + names) string comparisons.
pub fn list_style(venue: &str, alternate_names: &[String]) -> Option<String> {
    let venue = without_year(&labels::one_line(venue));
    if venue.is_empty() {
        return None;
    }
    let table = table_style(&venue);
    let acronyms: Vec<String> = alternate_names
        .iter()
        .map(|name| labels::one_line(name))
        .filter(|name| is_acronym(name))
        .collect();
    if let Some(short) = &table {
        if acronyms.iter().any(|a| a.eq_ignore_ascii_case(short)) {
            return table;
        }
    }
    acronyms.into_iter().next().or(table).or(Some(venue))
}

/// The table's short name of `venue` (one line, no year), or `venue` itself when it is one of
/// the table's short names already ("NeurIPS"; "Findings of ACL" is not and gets `None`).
fn table_style(venue: &str) -> Option<String> {
    let key = venue_key(venue);
    let key = key.strip_prefix("proceedings of the ").unwrap_or(&key);
    if let Some((_, short)) = COMMON_VENUES.iter().find(|(name, _)| *name == key) {
        return Some((*short).to_string());
    }
    COMMON_VENUES
        .iter()
        .any(|(_, short)| venue_key(short) == key)
        .then(|| venue.to_string())
}

/// Lower case, ASCII letters and digits only, words separated by one space: "IEEE/CVF
/// Conference on Computer Vision and Pattern Recognition (CVPR)" -> "ieee cvf conference on
/// computer vision and pattern recognition cvpr".
fn venue_key(venue: &str) -> String {
    venue
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `venue` without a trailing year ("ICLR 2023" -> "ICLR"); the rest stays as written.
fn without_year(venue: &str) -> String {
    let trimmed = venue.trim();
    match trimmed.rsplit_once(' ') {
        Some((head, year))
            if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) && !head.is_empty() =>
        {
            head.trim_end_matches([',', ' ']).to_string()
        }
        _ => trimmed.to_string(),
    }
}

/// A conference acronym as Semantic Scholar lists it among alternate names: one word of 2 to 10
/// letters or digits, starting with a letter, with at least two capitals ("AAAI", "LREC",
/// "INDIACom"); journal abbreviations ("Sci Rep", "IEEE Robot Autom Lett") have spaces and are
/// not taken.
fn is_acronym(name: &str) -> bool {
    let capitals = name.chars().filter(char::is_ascii_uppercase).count();
    (2..=10).contains(&name.chars().count())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && capitals >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(venue: &str) -> Option<String> {
        list_style(venue, &[])
    }

    /// The venue strings Semantic Scholar answered in fixtures/s2-recorded (the most frequent
    /// ones, `venue` and `publicationVenue.name`) and in the token-reduction list's records.
    #[test]
    fn recorded_venues_get_the_lists_short_names() {
        assert_eq!(style("arXiv.org").as_deref(), Some("arXiv"));
        assert_eq!(
            style("AAAI Conference on Artificial Intelligence").as_deref(),
            Some("AAAI")
        );
        assert_eq!(
            style("Conference on Empirical Methods in Natural Language Processing").as_deref(),
            Some("EMNLP")
        );
        assert_eq!(
            style("International Conference on Learning Representations").as_deref(),
            Some("ICLR")
        );
        assert_eq!(
            style("Neural Information Processing Systems").as_deref(),
            Some("NeurIPS")
        );
        assert_eq!(
            style("Computer Vision and Pattern Recognition").as_deref(),
            Some("CVPR")
        );
        assert_eq!(
            style("IEEE International Conference on Computer Vision").as_deref(),
            Some("ICCV")
        );
        assert_eq!(
            style("European Conference on Computer Vision").as_deref(),
            Some("ECCV")
        );
        assert_eq!(
            style("Annual Meeting of the Association for Computational Linguistics").as_deref(),
            Some("ACL")
        );
        assert_eq!(
            style("International Conference on Language Resources and Evaluation").as_deref(),
            Some("LREC")
        );
        assert_eq!(style("bioRxiv").as_deref(), Some("bioRxiv"));
        assert_eq!(
            style("Social Science Research Network").as_deref(),
            Some("SSRN")
        );
        assert_eq!(
            style("Proceedings of the AAAI Conference on Artificial Intelligence").as_deref(),
            Some("AAAI")
        );
    }

    #[test]
    fn short_names_and_their_years_stay_as_the_list_writes_them() {
        // The world's records carry the list's own style, year included.
        assert_eq!(style("NeurIPS 2024").as_deref(), Some("NeurIPS"));
        assert_eq!(style("arXiv 2024").as_deref(), Some("arXiv"));
        assert_eq!(style("ACM MM").as_deref(), Some("ACM MM"));
        assert_eq!(style("  ").as_deref(), None);
        assert_eq!(style("").as_deref(), None);
    }

    /// publicationVenue objects as recorded (fixtures/s2-recorded/*.yaml): a conference's
    /// acronym is taken, a journal's ISO abbreviation is not.
    #[test]
    fn alternate_names_give_a_conference_acronym() {
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            list_style(
                "Conference on Information Communications Technology and Society",
                &names(&["ICTAS", "Conf Inf Commun Technol Soc"])
            )
            .as_deref(),
            Some("ICTAS")
        );
        assert_eq!(
            list_style(
                "International Conference on Computing for Sustainable Global Development",
                &names(&["INDIACom", "Int Conf Comput Sustain Glob Dev"])
            )
            .as_deref(),
            Some("INDIACom")
        );
        assert_eq!(
            list_style("Scientific Reports", &names(&["Sci Rep"])).as_deref(),
            Some("Scientific Reports")
        );
        assert_eq!(
            list_style(
                "IEEE Robotics and Automation Letters",
                &names(&["IEEE Robot Autom Lett"])
            )
            .as_deref(),
            Some("IEEE Robotics and Automation Letters")
        );
    }

    /// Semantic Scholar's abbreviation of the venue wins over the table, the table's spelling of
    /// the same acronym is kept, and of two acronyms the one the table writes is taken.
    #[test]
    fn an_alternate_acronym_wins_over_the_table() {
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        // fixtures/s2-recorded: arXiv.org's entity (137 answers) lists "ArXiv".
        assert_eq!(
            list_style("arXiv.org", &names(&["ArXiv"])).as_deref(),
            Some("arXiv")
        );
        // The table says "KDD"; the venue entity's own acronym is taken instead.
        assert_eq!(
            list_style(
                "Knowledge Discovery and Data Mining",
                &names(&["SIGKDD", "Knowl Discov Data Min"])
            )
            .as_deref(),
            Some("SIGKDD")
        );
        assert_eq!(
            list_style(
                "Neural Information Processing Systems",
                &names(&["Neural Inf Process Syst", "NIPS", "NeurIPS"])
            )
            .as_deref(),
            Some("NeurIPS")
        );
        // Not in the table: the first acronym, in Semantic Scholar's order.
        assert_eq!(
            list_style(
                "International Conference on Development and Learning",
                &names(&["Int Conf Dev Learn", "ICDL", "ICDLE"])
            )
            .as_deref(),
            Some("ICDL")
        );
        // No acronym among the names: the table stays the fallback.
        assert_eq!(
            list_style(
                "IEEE Transactions on Pattern Analysis and Machine Intelligence",
                &names(&["IEEE Trans Pattern Anal Mach Intell"])
            )
            .as_deref(),
            Some("TPAMI")
        );
    }

    #[test]
    fn an_unknown_venue_stays_on_one_line() {
        assert_eq!(
            style("Italian National\n   Conference on Sensors").as_deref(),
            Some("Italian National Conference on Sensors")
        );
    }
}
