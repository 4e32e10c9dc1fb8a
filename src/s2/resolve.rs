//! Resolution of catalogue papers to Semantic Scholar records.
//!
//! In order: the ids the catalogue gives (`ARXIV:`, `DOI:`, `ACL:`, `URL:`), asked in batches,
//! then a title match (`/paper/search/match`) checked against the catalogue's title and year.
//! A record found by id whose title is not the catalogue's (the catalogue links the wrong paper)
//! is flagged and the paper is resolved by title instead. The same logic runs against the live
//! API (through the cache) and against a snapshot file, through the [`Source`] trait, so both
//! produce the same resolutions.

use std::collections::{HashMap, HashSet};

use crate::catalog::{Catalog, CatalogPaper};
use crate::records::{PaperRecord, ResolveMethod};

/// Titles agree when their normalized forms are this similar (or one contains the other).
/// Measured on real pairs: drift of the same paper ("KV Caching" / "KV Cache", a dropped word)
/// scores above 0.92; sibling papers of one group ("... with Dual Feature Caching" / "... with
/// Token-wise Feature Caching") score 0.85. The same bar serves ids and title matches, so that
/// a record an id found but the title rejects is not found again by title.
const TITLE_SIMILARITY: f64 = 0.9;
/// Years may differ by one between the preprint and the venue.
const MAX_YEAR_GAP: i32 = 1;

/// One id of a catalogue paper, in the form the API takes (`ARXIV:2106.15928`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdQuery {
    pub method: ResolveMethod,
    pub id: String,
}

/// A title to match, with the year to check it against.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TitleQuery {
    /// As the catalogue writes it (sent to the API).
    pub title: String,
    /// [`normalize_title`] of it: the identity of the query.
    pub normalized: String,
}

/// What a source knows about a query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    Found(Box<PaperRecord>),
    /// The API (or the snapshot) does not know it.
    Unknown,
}

/// Answers by query; a query absent from the map was not asked (offline and not cached).
pub(crate) type Answers = HashMap<String, Answer>;

/// Where answers come from: the API through the cache, the cache alone, or a snapshot.
pub(crate) trait Source {
    /// Answers to id queries, by id.
    async fn lookup_ids(&mut self, ids: &[String]) -> anyhow::Result<Answers>;
    /// Answers to title queries, by normalized title.
    async fn match_titles(&mut self, queries: &[TitleQuery]) -> anyhow::Result<Answers>;
}

/// The resolution of one catalogue paper, before its record is fetched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resolved {
    pub key: String,
    /// The record found (without its lists), when resolved.
    pub record: Option<PaperRecord>,
    pub method: Option<ResolveMethod>,
    /// Oddities (wrong link, shared record) and, when unresolved, the reason.
    pub notes: Vec<String>,
}

/// The ids of a catalogue paper, most trusted first.
pub(crate) fn id_queries(paper: &CatalogPaper) -> Vec<IdQuery> {
    let mut queries = Vec::new();
    let ids = &paper.ids;
    if let Some(arxiv) = ids
        .arxiv
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        queries.push(IdQuery {
            method: ResolveMethod::Arxiv,
            id: format!("ARXIV:{arxiv}"),
        });
    }
    if let Some(doi) = ids.doi.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        queries.push(IdQuery {
            method: ResolveMethod::Doi,
            id: format!("DOI:{doi}"),
        });
    }
    if let Some(acl) = ids.acl.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        queries.push(IdQuery {
            method: ResolveMethod::Acl,
            id: format!("ACL:{acl}"),
        });
    }
    if let Some(url) = paper
        .links
        .paper
        .as_deref()
        .and_then(|u| url_query(u, &queries))
    {
        queries.push(IdQuery {
            method: ResolveMethod::Url,
            id: format!("URL:{url}"),
        });
    }
    queries
}

/// The paper link as a `URL:` id, when it is on a site the API knows and says more than the ids
/// already found (an arXiv link whose id was not parsed, an ACM page without a DOI, ...).
fn url_query(link: &str, found: &[IdQuery]) -> Option<String> {
    let url = url::Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let on = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    let has = |method: ResolveMethod| found.iter().any(|q| q.method == method);
    let useful = (on("arxiv.org") && !has(ResolveMethod::Arxiv))
        || ((on("aclweb.org") || on("aclanthology.org")) && !has(ResolveMethod::Acl))
        || (on("acm.org") && !has(ResolveMethod::Doi))
        || on("semanticscholar.org")
        || on("biorxiv.org");
    useful.then(|| url.to_string())
}

/// Lower case, letters and digits only, single spaces: how titles are compared.
pub(crate) fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut gap = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// Similarity of two normalized titles in [0, 1]: 1 - edit distance / longer length, or 1 when
/// one contains the other and the shorter is substantial (a subtitle left out).
pub(crate) fn title_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() >= 12 && long.contains(short) {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / longest as f64
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The title of a record as the notes quote it.
fn quoted(record: &PaperRecord) -> String {
    format!("\"{}\"", record.title.as_deref().unwrap_or("(no title)"))
}

/// A record found by id and how, or the notes gathered and whether an answer was missing.
type IdVerdict = Result<(PaperRecord, ResolveMethod), (Vec<String>, bool)>;

/// Decides on the id answers: the first record whose title agrees with the catalogue's.
/// Returns it, or the notes gathered on the way (records that are another paper) and whether
/// an answer was missing (not asked: offline).
fn judge_ids(paper: &CatalogPaper, queries: &[IdQuery], answers: &Answers) -> IdVerdict {
    let mut notes = Vec::new();
    let mut missing = false;
    let wanted = normalize_title(&paper.title);
    for query in queries {
        match answers.get(&query.id) {
            None => missing = true,
            Some(Answer::Unknown) => {}
            Some(Answer::Found(record)) => {
                let found = normalize_title(record.title.as_deref().unwrap_or(""));
                if wanted.is_empty() || title_similarity(&wanted, &found) >= TITLE_SIMILARITY {
                    return Ok(((**record).clone(), query.method));
                }
                notes.push(format!(
                    "the catalogue links another paper: its {} is {} on Semantic Scholar",
                    query.id,
                    quoted(record)
                ));
            }
        }
    }
    Err((notes, missing))
}

/// Decides on a title match: the title must agree and the year be close.
fn judge_title(paper: &CatalogPaper, answer: Option<&Answer>) -> Result<PaperRecord, String> {
    let record = match answer {
        None => {
            return Err(
                "not in the cache: fetch it once with a network (--offline makes no request)"
                    .to_string(),
            )
        }
        Some(Answer::Unknown) => return Err("no title match on Semantic Scholar".to_string()),
        Some(Answer::Found(record)) => record,
    };
    let wanted = normalize_title(&paper.title);
    let found = normalize_title(record.title.as_deref().unwrap_or(""));
    if title_similarity(&wanted, &found) < TITLE_SIMILARITY {
        return Err(format!(
            "the closest title on Semantic Scholar, {}, is another paper",
            quoted(record)
        ));
    }
    if let (Some(want), Some(got)) = (paper.year, record.year) {
        if (want - got).abs() > MAX_YEAR_GAP {
            return Err(format!(
                "the title matches {} but its year {got} is far from the catalogue's {want}",
                quoted(record)
            ));
        }
    }
    Ok((**record).clone())
}

/// Resolves every catalogue paper against `source`: ids first (all in one round, so a batch
/// call carries them together), then titles for the rest. Two catalogue papers that resolve to
/// one record keep it once; the second is noted.
pub(crate) async fn resolve<S: Source>(
    catalog: &Catalog,
    source: &mut S,
) -> anyhow::Result<Vec<Resolved>> {
    let queries: Vec<Vec<IdQuery>> = catalog.papers.iter().map(id_queries).collect();
    let mut seen = HashSet::new();
    let distinct_ids: Vec<String> = queries
        .iter()
        .flatten()
        .filter(|q| seen.insert(q.id.clone()))
        .map(|q| q.id.clone())
        .collect();
    let id_answers = if distinct_ids.is_empty() {
        Answers::new()
    } else {
        source.lookup_ids(&distinct_ids).await?
    };

    let mut by_id: Vec<IdVerdict> = Vec::new();
    let mut titles: Vec<TitleQuery> = Vec::new();
    let mut seen_titles = HashSet::new();
    for (paper, queries) in catalog.papers.iter().zip(&queries) {
        let verdict = judge_ids(paper, queries, &id_answers);
        if verdict.is_err() {
            let normalized = normalize_title(&paper.title);
            if !normalized.is_empty() && seen_titles.insert(normalized.clone()) {
                titles.push(TitleQuery {
                    title: paper.title.clone(),
                    normalized,
                });
            }
        }
        by_id.push(verdict);
    }
    let title_answers = if titles.is_empty() {
        Answers::new()
    } else {
        source.match_titles(&titles).await?
    };

    let mut owner: HashMap<String, String> = HashMap::new();
    let mut resolved = Vec::with_capacity(catalog.papers.len());
    for (paper, verdict) in catalog.papers.iter().zip(by_id) {
        let mut outcome = Resolved {
            key: paper.key.clone(),
            record: None,
            method: None,
            notes: Vec::new(),
        };
        match verdict {
            Ok((record, method)) => {
                outcome.record = Some(record);
                outcome.method = Some(method);
            }
            Err((notes, id_missing)) => {
                outcome.notes = notes;
                let normalized = normalize_title(&paper.title);
                if normalized.is_empty() {
                    outcome
                        .notes
                        .push("no id Semantic Scholar knows and no title to match".to_string());
                } else {
                    // A wrongly linked id was noted above; say how the title fared after it.
                    let linked_wrong = !outcome.notes.is_empty();
                    match judge_title(paper, title_answers.get(&normalized)) {
                        Ok(record) => {
                            outcome.record = Some(record);
                            outcome.method = Some(ResolveMethod::Title);
                            if linked_wrong {
                                outcome
                                    .notes
                                    .push("resolved by its title instead".to_string());
                            }
                        }
                        Err(reason) => {
                            let reason = if id_missing && title_answers.contains_key(&normalized) {
                                format!("{reason} (and its ids are not in the cache)")
                            } else {
                                reason
                            };
                            outcome.notes.push(if linked_wrong {
                                format!("its title did not resolve either: {reason}")
                            } else {
                                reason
                            });
                        }
                    }
                }
            }
        }
        if let Some(record) = &outcome.record {
            match owner.get(&record.paper_id) {
                Some(first) => outcome.notes.push(format!(
                    "same Semantic Scholar record as {first}: kept once"
                )),
                None => {
                    owner.insert(record.paper_id.clone(), paper.key.clone());
                }
            }
        }
        resolved.push(outcome);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ExternalIds, Links};

    fn paper(key: &str, title: &str, year: Option<i32>, arxiv: Option<&str>) -> CatalogPaper {
        CatalogPaper {
            key: key.to_string(),
            title: title.to_string(),
            year,
            ids: ExternalIds {
                arxiv: arxiv.map(String::from),
                ..ExternalIds::default()
            },
            ..CatalogPaper::default()
        }
    }

    fn record(id: &str, title: &str, year: Option<i32>) -> PaperRecord {
        PaperRecord {
            paper_id: id.to_string(),
            title: Some(title.to_string()),
            year,
            ..PaperRecord::default()
        }
    }

    /// A source answering from fixed maps, counting calls.
    #[derive(Default)]
    struct Fixed {
        ids: HashMap<String, PaperRecord>,
        titles: HashMap<String, PaperRecord>,
        calls: Vec<String>,
    }

    impl Source for Fixed {
        async fn lookup_ids(&mut self, ids: &[String]) -> anyhow::Result<Answers> {
            self.calls.push(format!("ids {}", ids.join(" ")));
            Ok(ids
                .iter()
                .map(|id| {
                    let answer = self
                        .ids
                        .get(id)
                        .cloned()
                        .map_or(Answer::Unknown, |r| Answer::Found(Box::new(r)));
                    (id.clone(), answer)
                })
                .collect())
        }
        async fn match_titles(&mut self, queries: &[TitleQuery]) -> anyhow::Result<Answers> {
            self.calls.push(format!("titles {}", queries.len()));
            Ok(queries
                .iter()
                .map(|q| {
                    let answer = self
                        .titles
                        .get(&q.normalized)
                        .cloned()
                        .map_or(Answer::Unknown, |r| Answer::Found(Box::new(r)));
                    (q.normalized.clone(), answer)
                })
                .collect())
        }
    }

    fn run(catalog: &Catalog, source: &mut Fixed) -> Vec<Resolved> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(resolve(catalog, source))
            .unwrap()
    }

    #[test]
    fn normalizes_titles() {
        assert_eq!(
            normalize_title("  ToMe: Token-Merging,  Your ViT!  "),
            "tome token merging your vit"
        );
        assert_eq!(normalize_title("ünïcödé 令牌 <b>"), "ünïcödé 令牌 b");
        assert_eq!(normalize_title("..."), "");
    }

    #[test]
    fn similarity_tolerates_small_drift_only() {
        let a = normalize_title(
            "Pyramidkv: Dynamic kv Caching compression based on pyramidal information funneling",
        );
        let b = normalize_title(
            "PyramidKV: Dynamic KV Cache Compression based on Pyramidal Information Funneling",
        );
        assert!(title_similarity(&a, &b) > 0.9);
        let c = normalize_title("Token Merging: Your ViT But Faster");
        assert!(
            title_similarity(
                &normalize_title("ToMe: Token Merging: Your ViT But Faster"),
                &c
            ) >= 0.99
        );
        assert!(title_similarity(&a, &c) < 0.5);
        let dual = normalize_title("Accelerating Diffusion Transformers with Dual Feature Caching");
        let token =
            normalize_title("Accelerating Diffusion Transformers with Token-wise Feature Caching");
        assert!(title_similarity(&dual, &token) < TITLE_SIMILARITY);
    }

    #[test]
    fn id_queries_in_order_and_urls_only_when_useful() {
        let mut p = paper("k", "T", None, Some("2210.09461"));
        p.ids.doi = Some("10.1145/1".into());
        p.ids.acl = Some("2023.emnlp-main.825".into());
        p.links = Links {
            paper: Some("https://arxiv.org/abs/2210.09461".into()),
            code: None,
        };
        let ids: Vec<String> = id_queries(&p).into_iter().map(|q| q.id).collect();
        assert_eq!(
            ids,
            [
                "ARXIV:2210.09461",
                "DOI:10.1145/1",
                "ACL:2023.emnlp-main.825"
            ]
        );

        let mut q = paper("k", "T", None, None);
        q.links.paper = Some("https://dl.acm.org/doi/abs/10.1145/3581783".into());
        assert_eq!(
            id_queries(&q)[0].id,
            "URL:https://dl.acm.org/doi/abs/10.1145/3581783"
        );
        q.links.paper = Some("https://openreview.net/forum?id=abc".into());
        assert!(id_queries(&q).is_empty());
        q.links.paper = Some("not a url".into());
        assert!(id_queries(&q).is_empty());
    }

    #[test]
    fn wrong_link_is_flagged_and_resolved_by_title() {
        let catalog = Catalog {
            papers: vec![
                paper(
                    "arxiv:1",
                    "Token Merging: Your ViT But Faster",
                    Some(2023),
                    Some("1"),
                ),
                paper("title:x", "A Paper Nobody Knows", Some(2020), None),
                paper("title:y", "Dynamic Tokens", Some(2020), None),
                paper(
                    "title:z",
                    "Token Merging: Your ViT But Faster.",
                    Some(2022),
                    None,
                ),
            ],
            ..Catalog::default()
        };
        let mut source = Fixed::default();
        source.ids.insert(
            "ARXIV:1".into(),
            record("wrong", "Deep Residual Learning", Some(2016)),
        );
        source.titles.insert(
            normalize_title("Token Merging: Your ViT But Faster"),
            record("tome", "Token Merging: Your ViT but Faster", Some(2022)),
        );
        // The API's best guess for an unknown title is another paper.
        source.titles.insert(
            normalize_title("A Paper Nobody Knows"),
            record("other", "A Survey of Everything", Some(2020)),
        );
        source.titles.insert(
            normalize_title("Dynamic Tokens"),
            record("dyn", "Dynamic Tokens", Some(2012)),
        );
        let out = run(&catalog, &mut source);
        assert_eq!(out[0].record.as_ref().unwrap().paper_id, "tome");
        assert_eq!(out[0].method, Some(ResolveMethod::Title));
        assert!(out[0].notes[0].contains("ARXIV:1"), "{:?}", out[0].notes);
        assert!(out[0].notes[0].contains("Deep Residual Learning"));
        assert_eq!(out[0].notes[1], "resolved by its title instead");
        assert!(out[1].record.is_none());
        assert!(
            out[1].notes[0].contains("another paper"),
            "{:?}",
            out[1].notes
        );
        assert!(out[2].record.is_none());
        assert!(out[2].notes[0].contains("year 2012"), "{:?}", out[2].notes);
        // Two catalogue papers, one record: kept once, noted.
        assert_eq!(out[3].record.as_ref().unwrap().paper_id, "tome");
        assert!(out[3]
            .notes
            .iter()
            .any(|n| n.contains("same Semantic Scholar record as arxiv:1")));
        // One id round, one title round (the duplicate title asked once).
        assert_eq!(source.calls, ["ids ARXIV:1", "titles 3"]);
    }

    #[test]
    fn a_wrong_link_whose_title_finds_nothing_is_not_called_matched() {
        let catalog = Catalog {
            papers: vec![paper("arxiv:1", "Unknown Tokens", Some(2020), Some("1"))],
            ..Catalog::default()
        };
        let mut source = Fixed::default();
        source.ids.insert(
            "ARXIV:1".into(),
            record("wrong", "Deep Residual Learning", Some(2016)),
        );
        let out = run(&catalog, &mut source);
        assert!(out[0].record.is_none());
        let notes = out[0].notes.join("; ");
        assert!(
            !notes.contains("matched by title") && !notes.contains("instead"),
            "{notes}"
        );
        assert!(
            notes.contains("its title did not resolve either: no title match"),
            "{notes}"
        );
    }

    #[test]
    fn missing_answers_say_so() {
        struct Nothing;
        impl Source for Nothing {
            async fn lookup_ids(&mut self, _: &[String]) -> anyhow::Result<Answers> {
                Ok(Answers::new())
            }
            async fn match_titles(&mut self, _: &[TitleQuery]) -> anyhow::Result<Answers> {
                Ok(Answers::new())
            }
        }
        let catalog = Catalog {
            papers: vec![paper("arxiv:1", "Some Title", None, Some("1"))],
            ..Catalog::default()
        };
        let out = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(resolve(&catalog, &mut Nothing))
            .unwrap();
        assert!(out[0].record.is_none());
        assert!(
            out[0].notes[0].contains("not in the cache"),
            "{:?}",
            out[0].notes
        );
    }
}
