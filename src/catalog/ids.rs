//! External identifiers from an entry's paper link and its BibTeX block: arXiv id, DOI, ACL
//! Anthology id, OpenReview forum id, BibTeX key and year.
//!
//! The forms recognised are the ones the family of lists writes: arXiv `abs/`, `pdf/`, `html/` links
//! with or without a version, `10.48550/arXiv.X` DOIs, `arXiv:X` and `eprint = {X}` in BibTeX;
//! doi.org, dl.acm.org/doi and publisher `/doi/` paths (a file ending such as `.pdf` dropped), and
//! `doi = {...}` in BibTeX (LaTeX escapes such as `\_` dropped); aclanthology.org and
//! aclweb.org/anthology paths; openreview.net `forum?id=` and `pdf?id=`.

use std::sync::LazyLock;

use regex::Regex;

use super::ExternalIds;

/// Compiles a literal pattern; every pattern below is exercised by this module's tests, so a typo
/// fails `cargo test`, never a user's run.
fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("literal regex, checked by the unit tests")
}

/// New-style (`2106.02034`, optional `v2`) or old-style (`hep-th/9901001`, with a subject class
/// `cs.CL/0101001` or `cond-mat.stat-mech/0101001`) ids.
const ARXIV_ID: &str = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z][a-z\-]*)?/\d{7})(?:v\d+)?";

/// The canonical form of an arXiv id: old-style ids are `archive/YYMMNNN`; the subject class some
/// links carry (`cs.CL/0101001`) is not part of the identifier (arXiv and Semantic Scholar know
/// the paper as `cs/0101001`), and the archive is lower case.
fn canonical_arxiv(id: &str) -> String {
    match id.split_once('/') {
        Some((archive, number)) => {
            let archive = archive.split('.').next().unwrap_or(archive);
            format!("{}/{number}", archive.to_ascii_lowercase())
        }
        None => id.to_string(),
    }
}

static ARXIV_URL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)^https?://(?:www\.|export\.|browse\.)?arxiv\.org/(?:abs|pdf|html|format)/{ARXIV_ID}(?:\.pdf)?(?:[/?#].*)?$"
    ))
});
static ARXIV_DOI: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"(?i)10\.48550/arxiv\.{ARXIV_ID}")));
static ARXIV_BIBTEX: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"(?i)\barxiv\s*:\s*{ARXIV_ID}")));
static EPRINT_BIBTEX: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r#"(?i)\beprint\s*=\s*[{{"]\s*(?:arxiv:)?{ARXIV_ID}\s*[}}"]"#
    ))
});
static ARXIV_URL_IN_TEXT: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"(?i)arxiv\.org/(?:abs|pdf|html)/{ARXIV_ID}")));
static DOI_BIBTEX: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#"(?i)\bdoi\s*=\s*[{"]\s*(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s}"]+)\s*[}"]"#,
    )
});
static DOI_IN_PATH: LazyLock<Regex> = LazyLock::new(|| pattern(r"(10\.\d{4,9}/[^/?#\s]+)"));
static ACL_ID: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^(\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d+|[A-Z]\d{2}-\d{4})$"));
static BIBTEX_KEY: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"@\s*[A-Za-z]+\s*\{\s*([^,\s{}]+)\s*,"));
static BIBTEX_YEAR: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#"(?i)\byear\s*=\s*[{"]?\s*((?:19|20)\d{2})\b"#));
static BIBTEX_URL: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#"(?i)\burl\s*=\s*[{"]\s*(https?://[^\s}"]+)"#));

/// The arXiv id a link points to (without version), from arxiv.org links and arXiv DOIs.
pub fn arxiv_from_url(url: &str) -> Option<String> {
    let url = url.trim();
    if let Some(caps) = ARXIV_URL.captures(url) {
        return caps.get(1).map(|m| canonical_arxiv(m.as_str()));
    }
    if is_doi_host(url) {
        return ARXIV_DOI
            .captures(url)
            .and_then(|c| c.get(1))
            .map(|m| canonical_arxiv(m.as_str()));
    }
    None
}

/// The DOI a link carries, lower-cased: doi.org links keep the whole path (DOIs may hold slashes),
/// publisher paths (`/doi/10.x/y/...`, Springer's `/chapter/10.x/y`) keep one segment after the
/// prefix. The query and fragment are never part of it, nor a trailing file extension the path
/// names a file by ([`strip_file_extension`]: Springer's
/// `/content/pdf/10.1007/978-3-031-19775-8_24.pdf` is `10.1007/978-3-031-19775-8_24`). arXiv
/// DOIs are not returned here: they are arXiv ids.
pub fn doi_from_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let path = percent_encoding::percent_decode_str(parsed.path())
        .decode_utf8_lossy()
        .into_owned();
    let doi = if host == "doi.org" || host == "dx.doi.org" || host == "www.doi.org" {
        path.trim_start_matches('/').to_string()
    } else if host.ends_with("dl.acm.org") {
        let start = path.find("10.")?;
        path[start..].to_string()
    } else {
        DOI_IN_PATH.captures(&path)?.get(1)?.as_str().to_string()
    };
    clean_doi(strip_file_extension(&doi, &host))
}

/// Endings a link's path adds after a DOI to name a file or a view of it, not part of the DOI
/// (compared without case).
const FILE_EXTENSIONS: [&str; 7] = [
    ".pdf",
    ".epdf",
    ".html",
    ".htm",
    ".xml",
    ".full",
    ".abstract",
];

/// `doi` without the file endings a link appends ([`FILE_EXTENSIONS`], repeatedly: bioRxiv's
/// `.full.pdf`), and on bioRxiv and medRxiv hosts without the version (`v2`) their links add.
/// Real DOI suffixes end in such a word so rarely, and links to files so often, that the ending is
/// always taken as the file's.
fn strip_file_extension<'a>(doi: &'a str, host: &str) -> &'a str {
    let mut doi = doi.trim_end_matches('/');
    while let Some(shorter) = FILE_EXTENSIONS.iter().find_map(|ext| {
        let cut = doi.len().checked_sub(ext.len())?;
        (doi.is_char_boundary(cut) && doi[cut..].eq_ignore_ascii_case(ext)).then(|| &doi[..cut])
    }) {
        doi = shorter;
    }
    if host.ends_with("biorxiv.org") || host.ends_with("medrxiv.org") {
        let digits = doi.trim_end_matches(|c: char| c.is_ascii_digit());
        if digits.len() < doi.len() {
            if let Some(unversioned) = digits.strip_suffix(['v', 'V']) {
                doi = unversioned;
            }
        }
    }
    doi
}

fn is_doi_host(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.contains("doi.org/") || lower.starts_with("10.48550/")
}

/// Validates and lower-cases a DOI; arXiv DOIs are dropped (they become arXiv ids).
fn clean_doi(doi: &str) -> Option<String> {
    let doi = doi
        .trim()
        .trim_end_matches(['.', ',', ';', '/'])
        .to_ascii_lowercase();
    let (prefix, suffix) = doi.split_once('/')?;
    let registrant = prefix.strip_prefix("10.")?;
    if registrant.len() < 4 || !registrant.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if suffix.is_empty() || prefix == "10.48550" {
        return None;
    }
    Some(doi)
}

/// The ACL Anthology id of an aclanthology.org / aclweb.org link, e.g. `2024.acl-long.91`, `P18-1166`.
pub fn acl_from_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let segments: Vec<&str> = parsed.path_segments()?.filter(|s| !s.is_empty()).collect();
    let candidate = if host.ends_with("aclanthology.org") {
        segments.first()?
    } else if host.ends_with("aclweb.org") {
        let at = segments.iter().position(|s| *s == "anthology")?;
        segments.get(at + 1..)?.last()?
    } else {
        return None;
    };
    let id = candidate.strip_suffix(".pdf").unwrap_or(candidate);
    ACL_ID.is_match(id).then(|| id.to_string())
}

/// The ACL Anthology id inside an ACL DOI (`10.18653/v1/2024.acl-long.91`). DOIs are compared
/// lower-cased, but old-style Anthology ids are upper case (`10.18653/v1/p18-1166` is `P18-1166`).
fn acl_from_doi(doi: &str) -> Option<String> {
    let id = doi.to_ascii_lowercase();
    let id = id.strip_prefix("10.18653/v1/")?;
    if ACL_ID.is_match(id) {
        return Some(id.to_string());
    }
    let old_style = id.to_ascii_uppercase();
    ACL_ID.is_match(&old_style).then_some(old_style)
}

/// The forum id of an openreview.net link (`forum?id=X`, `pdf?id=X`); `/pdf/HASH.pdf` links carry
/// no forum id.
pub fn openreview_from_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    if !host.ends_with("openreview.net") {
        return None;
    }
    parsed
        .query_pairs()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// What a BibTeX block says: key, year and whatever ids it holds.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BibtexFacts {
    pub key: Option<String>,
    pub year: Option<i32>,
    pub arxiv: Option<String>,
    pub doi: Option<String>,
    pub acl: Option<String>,
    pub openreview: Option<String>,
}

/// Reads the facts out of a BibTeX block (one entry; the first is used if there are several).
pub fn bibtex_facts(bibtex: &str) -> BibtexFacts {
    let mut facts = BibtexFacts {
        key: BIBTEX_KEY
            .captures(bibtex)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string()),
        year: BIBTEX_YEAR
            .captures(bibtex)
            .and_then(|c| c.get(1))
            .and_then(|m| m.as_str().parse().ok()),
        ..BibtexFacts::default()
    };
    let arxiv_patterns: [&Regex; 4] = [
        &ARXIV_BIBTEX,
        &EPRINT_BIBTEX,
        &ARXIV_DOI,
        &ARXIV_URL_IN_TEXT,
    ];
    facts.arxiv = arxiv_patterns.iter().find_map(|re| {
        re.captures(bibtex)
            .and_then(|c| c.get(1))
            .map(|m| canonical_arxiv(m.as_str()))
    });
    // A block written for classic BibTeX may escape the DOI's `_` (`8\_24`): not part of it.
    facts.doi = DOI_BIBTEX
        .captures(bibtex)
        .and_then(|c| c.get(1))
        .and_then(|m| clean_doi(&crate::text::drop_latex_escapes(m.as_str())));
    facts.acl = facts.doi.as_deref().and_then(acl_from_doi);
    if let Some(url) = BIBTEX_URL.captures(bibtex).and_then(|c| c.get(1)) {
        let url = url.as_str();
        facts.acl = facts.acl.or_else(|| acl_from_url(url));
        facts.openreview = openreview_from_url(url);
        facts.arxiv = facts.arxiv.or_else(|| arxiv_from_url(url));
        facts.doi = facts.doi.or_else(|| doi_from_url(url));
    }
    facts
}

/// All ids of an entry: the paper link first, the BibTeX block filling what the link lacks.
pub fn external_ids(paper_url: Option<&str>, bibtex: &BibtexFacts) -> ExternalIds {
    let from_link = |f: fn(&str) -> Option<String>| paper_url.and_then(f);
    let doi = from_link(doi_from_url);
    ExternalIds {
        arxiv: from_link(arxiv_from_url).or_else(|| bibtex.arxiv.clone()),
        // An ACL DOI link (`doi.org/10.18653/v1/P18-1166`) names the Anthology paper too.
        acl: from_link(acl_from_url)
            .or_else(|| doi.as_deref().and_then(acl_from_doi))
            .or_else(|| bibtex.acl.clone()),
        doi: doi.or_else(|| bibtex.doi.clone()),
        openreview: from_link(openreview_from_url).or_else(|| bibtex.openreview.clone()),
        bibtex_key: bibtex.key.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_links_in_every_form() {
        let cases = [
            ("https://arxiv.org/abs/2106.02034", "2106.02034"),
            ("https://arxiv.org/pdf/2106.02034", "2106.02034"),
            ("https://arxiv.org/pdf/2106.02034.pdf", "2106.02034"),
            ("https://arxiv.org/pdf/2404.15949v2", "2404.15949"),
            ("https://arxiv.org/abs/2404.15949v12", "2404.15949"),
            ("https://arxiv.org/html/2410.05317v1", "2410.05317"),
            ("https://www.arxiv.org/abs/2501.00375", "2501.00375"),
            ("http://export.arxiv.org/abs/1611.01839", "1611.01839"),
            ("https://arxiv.org/pdf/2407.20485#page=1.45", "2407.20485"),
            ("https://arxiv.org/abs/2312.10193/", "2312.10193"),
            ("https://arxiv.org/abs/1207.1234", "1207.1234"),
            ("https://arxiv.org/abs/hep-th/9901001v3", "hep-th/9901001"),
            ("https://arxiv.org/abs/math.GT/0309136", "math/0309136"),
            ("https://arxiv.org/abs/math/0309136v1", "math/0309136"),
            ("https://arxiv.org/pdf/cs.CL/0101001v2.pdf", "cs/0101001"),
            (
                "https://arxiv.org/abs/cond-mat.stat-mech/0101001",
                "cond-mat/0101001",
            ),
            (
                "https://arxiv.org/abs/physics.acc-ph/0001001",
                "physics/0001001",
            ),
            ("https://arxiv.org/pdf/2106.02034v2.pdf", "2106.02034"),
            ("https://arxiv.org/html/2410.05317v3/", "2410.05317"),
            ("https://arxiv.org/html/2410.05317v3#S3", "2410.05317"),
            ("HTTPS://ARXIV.ORG/ABS/2106.02034V2", "2106.02034"),
            ("https://browse.arxiv.org/abs/2402.00858", "2402.00858"),
            ("https://dx.doi.org/10.48550/arxiv.2408.16532", "2408.16532"),
            ("https://doi.org/10.48550/arXiv.2408.16532", "2408.16532"),
            ("https://doi.org/10.48550/ARXIV.2408.16532", "2408.16532"),
        ];
        for (url, id) in cases {
            assert_eq!(arxiv_from_url(url).as_deref(), Some(id), "{url}");
        }
        for url in [
            "https://openreview.net/forum?id=xhtqgW5b93",
            "https://arxiv.org/list/cs.CV/recent",
            "https://github.com/arxiv.org/abs/2106.02034",
            "https://doi.org/10.1145/3633781",
        ] {
            assert_eq!(arxiv_from_url(url), None, "{url}");
        }
    }

    #[test]
    fn dois_from_links() {
        let cases = [
            ("https://doi.org/10.1145/3633781", "10.1145/3633781"),
            (
                "https://dx.doi.org/10.1093/NAR/gkx123",
                "10.1093/nar/gkx123",
            ),
            (
                "https://dl.acm.org/doi/abs/10.1145/3633781",
                "10.1145/3633781",
            ),
            (
                "https://dl.acm.org/doi/10.1145/3581783.3612345",
                "10.1145/3581783.3612345",
            ),
            (
                "https://link.springer.com/chapter/10.1007/978-981-97-8487-5_16",
                "10.1007/978-981-97-8487-5_16",
            ),
            (
                "https://direct.mit.edu/tacl/article-pdf/doi/10.1162/tacl_a_00716/2480391/x.pdf",
                "10.1162/tacl_a_00716",
            ),
            // A link to the file: its extension, query and fragment are not the DOI's.
            (
                "https://link.springer.com/content/pdf/10.1007/978-3-031-19775-8_24.pdf",
                "10.1007/978-3-031-19775-8_24",
            ),
            (
                "https://link.springer.com/content/pdf/10.1007/s11263-021-01453-z.PDF?pdf=button#page=2",
                "10.1007/s11263-021-01453-z",
            ),
            (
                "https://www.biorxiv.org/content/10.1101/2020.03.22.002386v2.full.pdf",
                "10.1101/2020.03.22.002386",
            ),
            (
                "https://www.biorxiv.org/content/10.1101/2020.03.22.002386v1.full",
                "10.1101/2020.03.22.002386",
            ),
            (
                "https://pubs.example.org/doi/10.1234/abc.def.html",
                "10.1234/abc.def",
            ),
            (
                "https://journals.example.org/article/10.1234/jx.2021.003.xml",
                "10.1234/jx.2021.003",
            ),
            ("https://doi.org/10.1234/report.pdf", "10.1234/report"),
            // Dots inside a DOI stay; so does a version-like ending off bioRxiv.
            (
                "https://doi.org/10.1109/CVPR.2016.90",
                "10.1109/cvpr.2016.90",
            ),
            ("https://doi.org/10.5555/model-v2", "10.5555/model-v2"),
        ];
        for (url, doi) in cases {
            assert_eq!(doi_from_url(url).as_deref(), Some(doi), "{url}");
        }
        for url in [
            "https://doi.org/10.48550/arXiv.2408.16532",
            "https://citeseerx.ist.psu.edu/document?repid=rep1&type=pdf&doi=182d3980d8f4",
            "https://ieeexplore.ieee.org/abstract/document/10183862",
            "https://arxiv.org/abs/2106.02034",
            "not a url",
        ] {
            assert_eq!(doi_from_url(url), None, "{url}");
        }
    }

    #[test]
    fn old_style_acl_ids_from_lower_cased_dois() {
        assert_eq!(
            acl_from_doi("10.18653/v1/p18-1166").as_deref(),
            Some("P18-1166")
        );
        assert_eq!(
            acl_from_doi("10.18653/V1/2024.ACL-LONG.91").as_deref(),
            Some("2024.acl-long.91")
        );
        let facts = bibtex_facts("@inproceedings{k,\r\n  DOI = {10.18653/v1/P18-1166},\r\n  eprint = {cs.CL/0101001v2},\r\n  year = {2018}\r\n}");
        assert_eq!(facts.acl.as_deref(), Some("P18-1166"));
        assert_eq!(facts.arxiv.as_deref(), Some("cs/0101001"));
        assert_eq!(facts.year, Some(2018));
    }

    #[test]
    fn acl_ids_from_links() {
        let cases = [
            (
                "https://aclanthology.org/2024.acl-long.91.pdf",
                "2024.acl-long.91",
            ),
            (
                "https://aclanthology.org/2024.acl-long.142/",
                "2024.acl-long.142",
            ),
            (
                "https://aclanthology.org/2023.emnlp-main.825",
                "2023.emnlp-main.825",
            ),
            ("https://aclanthology.org/P18-1166.pdf", "P18-1166"),
            (
                "https://aclanthology.org/2021.tacl-1.4.pdf",
                "2021.tacl-1.4",
            ),
            ("https://www.aclweb.org/anthology/P18-1166.pdf", "P18-1166"),
        ];
        for (url, id) in cases {
            assert_eq!(acl_from_url(url).as_deref(), Some(id), "{url}");
        }
        assert_eq!(
            acl_from_url("https://aclanthology.org/events/acl-2024/"),
            None
        );
        assert_eq!(acl_from_url("https://example.org/2024.acl-long.91"), None);
    }

    #[test]
    fn openreview_forum_ids() {
        assert_eq!(
            openreview_from_url("https://openreview.net/forum?id=xhtqgW5b93").as_deref(),
            Some("xhtqgW5b93")
        );
        assert_eq!(
            openreview_from_url("https://openreview.net/pdf?id=TrjbxzRcnf-").as_deref(),
            Some("TrjbxzRcnf-")
        );
        assert_eq!(
            openreview_from_url("https://openreview.net/forum?id=abc&noteId=def").as_deref(),
            Some("abc")
        );
        assert_eq!(
            openreview_from_url(
                "https://openreview.net/pdf/bf470617f541635cbde87fcc0ba3fdbddcef3db7.pdf"
            ),
            None
        );
        assert_eq!(openreview_from_url("https://example.org/forum?id=x"), None);
    }

    #[test]
    fn bibtex_key_year_and_arxiv() {
        let facts = bibtex_facts(
            "@article{he2021magic,\n  title={Magic pyramid},\n  journal={arXiv preprint arXiv:2111.00230},\n  year={2021}\n}",
        );
        assert_eq!(facts.key.as_deref(), Some("he2021magic"));
        assert_eq!(facts.year, Some(2021));
        assert_eq!(facts.arxiv.as_deref(), Some("2111.00230"));

        let facts = bibtex_facts(
            "@misc{x,\n eprint={2304.04487},\n archivePrefix={arXiv},\n year = \"2023\"}",
        );
        assert_eq!(facts.arxiv.as_deref(), Some("2304.04487"));
        assert_eq!(facts.year, Some(2023));

        // The key on the line after the brace, as OpenReview exports it.
        let facts = bibtex_facts("@inproceedings{\nge2024incontext,\ntitle={In-context},\nyear={2024},\nurl={https://openreview.net/forum?id=uREj4ZuGJE}\n}");
        assert_eq!(facts.key.as_deref(), Some("ge2024incontext"));
        assert_eq!(facts.openreview.as_deref(), Some("uREj4ZuGJE"));

        let facts =
            bibtex_facts("@inproceedings{Pan2021:IA-RED2,\n booktitle=NIPS,\n year= {2021}\n}");
        assert_eq!(facts.key.as_deref(), Some("Pan2021:IA-RED2"));
        assert_eq!(facts.year, Some(2021));

        let facts = bibtex_facts("@article{w, doi = {10.48550/arXiv.2408.16532}}");
        assert_eq!(facts.arxiv.as_deref(), Some("2408.16532"));
        assert_eq!(facts.doi, None);
    }

    #[test]
    fn bibtex_doi_and_acl() {
        let facts = bibtex_facts(
            "@inproceedings{jiang-etal-2024-longllmlingua,\n url = \"https://aclanthology.org/2024.acl-long.91\",\n doi = \"10.18653/v1/2024.acl-long.91\",\n}",
        );
        assert_eq!(facts.doi.as_deref(), Some("10.18653/v1/2024.acl-long.91"));
        assert_eq!(facts.acl.as_deref(), Some("2024.acl-long.91"));
        let facts = bibtex_facts(r"@incollection{s, doi = {10.1007/978-3-031-19775-8\_24}}");
        assert_eq!(facts.doi.as_deref(), Some("10.1007/978-3-031-19775-8_24"));
        let facts = bibtex_facts(
            "@misc{s, url = {https://link.springer.com/content/pdf/10.1007/978-3-031-19775-8_24.pdf}}",
        );
        assert_eq!(facts.doi.as_deref(), Some("10.1007/978-3-031-19775-8_24"));
        let facts = bibtex_facts("@article{t, doi = {10.1162/TACL_a_00716}, }");
        assert_eq!(facts.doi.as_deref(), Some("10.1162/tacl_a_00716"));
        assert_eq!(facts.acl, None);
        assert_eq!(bibtex_facts(""), BibtexFacts::default());
        assert_eq!(bibtex_facts("@@@{{{,,,year=").key, None);
    }

    #[test]
    fn link_wins_over_bibtex() {
        let bib = bibtex_facts("@article{k, journal={arXiv preprint arXiv:1111.11111}}");
        let ids = external_ids(Some("https://arxiv.org/abs/2222.22222"), &bib);
        assert_eq!(ids.arxiv.as_deref(), Some("2222.22222"));
        assert_eq!(ids.bibtex_key.as_deref(), Some("k"));
        let ids = external_ids(Some("https://openreview.net/pdf?id=F7aAhfitX6"), &bib);
        assert_eq!(ids.arxiv.as_deref(), Some("1111.11111"));
        assert_eq!(ids.openreview.as_deref(), Some("F7aAhfitX6"));
        let ids = external_ids(None, &BibtexFacts::default());
        assert_eq!(ids, ExternalIds::default());
    }
}
