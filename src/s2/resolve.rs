//! Resolution of catalogue papers to Semantic Scholar records.
//!
//! In order: the ids the catalogue gives (`ARXIV:`, `DOI:`, `ACL:`, `URL:`), asked in batches,
//! then a title match (`/paper/search/match`) checked against the catalogue's title and year.
//! A record found by id whose title is not the catalogue's (the catalogue links the wrong paper)
//! is flagged and the paper is resolved by title instead. Titles are compared with
//! [`crate::catalog::same_written_title`] (the catalogue merge's matcher, also past a leading method name); one bar serves ids and title
//! matches, so a record an id found but the title rejects is not found again by title. The same
//! logic runs against the live API (through the cache) and against a snapshot file, through the
//! [`Source`] trait, so both produce the same resolutions.

use std::collections::{HashMap, HashSet};

pub(crate) use crate::catalog::normalize_title;
use crate::catalog::{same_written_title, Catalog, CatalogPaper};
use crate::records::{Gap, PaperRecord, ResolveMethod};

/// Years may differ by one between the preprint and the venue.
const MAX_YEAR_GAP: i32 = 1;
/// A journal version is often listed years after its preprint (or the other way round): with the
/// same title *and* authors in common ([`authors_agree`]), years this far apart are one work.
const MAX_YEAR_GAP_SAME_AUTHORS: i32 = 6;

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
    /// Every request for it failed (after retries, and alone; see `client.rs`): why. Not cached,
    /// so the next run asks again.
    Failed(String),
}

/// Answers by query; a query absent from the map was not asked (offline and not cached).
pub(crate) type Answers = HashMap<String, Answer>;

/// Where answers come from: the API through the cache, the cache alone, or a snapshot.
pub(crate) trait Source {
    /// Answers to id queries, by id.
    async fn lookup_ids(&mut self, ids: &[String]) -> anyhow::Result<Answers>;
    /// Answers to title queries, by normalized title.
    async fn match_titles(&mut self, queries: &[TitleQuery]) -> anyhow::Result<Answers>;
    /// Where the answers come from, as the reasons name it after "on" ("Semantic Scholar";
    /// a snapshot says "the snapshot").
    fn searched(&self) -> &'static str {
        "Semantic Scholar"
    }
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
    /// When unresolved: whether a rerun could resolve it ([`Gap::RequestFailed`]: a lookup
    /// failed; [`Gap::NotCached`]: offline, and the cache lacks an answer).
    pub gap: Gap,
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

/// The title of a record as the notes quote it.
fn quoted(record: &PaperRecord) -> String {
    format!("\"{}\"", record.title.as_deref().unwrap_or("(no title)"))
}

/// A record found by id and how, or the notes gathered and the gap the missing or failed
/// answers leave.
type IdVerdict = Result<(PaperRecord, ResolveMethod), (Vec<String>, Gap)>;

/// Decides on the id answers: the first record whose title agrees with the catalogue's.
/// Returns it, or the notes gathered on the way (records that are another paper, lookups that
/// failed) and the gap: [`Gap::RequestFailed`] when a lookup failed, [`Gap::NotCached`] when an
/// answer is missing (not asked: offline), else none.
fn judge_ids(paper: &CatalogPaper, queries: &[IdQuery], answers: &Answers) -> IdVerdict {
    let mut notes = Vec::new();
    let mut gap = Gap::None;
    let wanted = normalize_title(&paper.title);
    for query in queries {
        match answers.get(&query.id) {
            None => {
                if gap.is_none() {
                    gap = Gap::NotCached;
                }
            }
            Some(Answer::Unknown) => {}
            Some(Answer::Failed(why)) => {
                notes.push(format!("the lookup of {} failed: {why}", query.id));
                gap = Gap::RequestFailed;
            }
            Some(Answer::Found(record)) => {
                let found = record.title.as_deref().unwrap_or("");
                if wanted.is_empty() || same_written_title(&paper.title, found) {
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
    Err((notes, gap))
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
        Some(Answer::Failed(why)) => return Err(format!("the title match failed: {why}")),
        Some(Answer::Found(record)) => record,
    };
    if !same_written_title(&paper.title, record.title.as_deref().unwrap_or("")) {
        return Err(format!(
            "the closest title on Semantic Scholar, {}, is another paper",
            quoted(record)
        ));
    }
    if let (Some(want), Some(got)) = (paper.year, record.year) {
        let gap = (want - got).abs();
        let same_authors = gap <= MAX_YEAR_GAP_SAME_AUTHORS && authors_agree(paper, record);
        if gap > MAX_YEAR_GAP && !same_authors {
            return Err(format!(
                "the title matches {} but its year {got} is far from the catalogue's {want}",
                quoted(record)
            ));
        }
    }
    Ok((**record).clone())
}

/// Family names, compared in normalized form (`Yongming Rao` and `Rao, Yongming` both give
/// `rao`; the catalogue's names are already `First Last`).
fn family_name(name: &str) -> String {
    let name = match name.split_once(',') {
        Some((last, _)) => last,
        None => name.split_whitespace().last().unwrap_or(name),
    };
    normalize_title(name)
}

/// The catalogue's authors and the record's share at least half of the shorter list (lists are
/// often cut short with "and others"), by family name; false when either list is empty.
fn authors_agree(paper: &CatalogPaper, record: &PaperRecord) -> bool {
    let ours: HashSet<String> = paper
        .authors
        .iter()
        .map(|a| family_name(a))
        .filter(|a| !a.is_empty())
        .collect();
    let theirs: HashSet<String> = record
        .authors
        .iter()
        .filter_map(|a| a.name.as_deref())
        .map(family_name)
        .filter(|a| !a.is_empty())
        .collect();
    let shorter = ours.len().min(theirs.len());
    shorter > 0 && 2 * ours.intersection(&theirs).count() >= shorter
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
            gap: Gap::None,
        };
        match verdict {
            Ok((record, method)) => {
                outcome.record = Some(record);
                outcome.method = Some(method);
            }
            Err((notes, id_gap)) => {
                outcome.notes = notes;
                let normalized = normalize_title(&paper.title);
                if normalized.is_empty() {
                    outcome.gap = id_gap;
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
                            let title_answer = title_answers.get(&normalized);
                            outcome.gap = match title_answer {
                                Some(Answer::Failed(_)) => Gap::RequestFailed,
                                None => Gap::NotCached,
                                Some(_) => id_gap,
                            };
                            let reason = if id_gap == Gap::NotCached && title_answer.is_some() {
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
        if source.searched() != "Semantic Scholar" {
            // The reasons name the place searched: a snapshot run never asked the API.
            for note in &mut outcome.notes {
                *note = note
                    .replace("on Semantic Scholar", &format!("in {}", source.searched()))
                    .replace(
                        "Semantic Scholar knows",
                        &format!("{} holds", source.searched()),
                    );
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
    fn a_journal_version_years_after_its_preprint_resolves_when_authors_agree() {
        let author = |name: &str| crate::records::Author {
            author_id: None,
            name: Some(name.into()),
        };
        let mut journal = paper("title:j", "Dynamic Token Sparsification", Some(2024), None);
        journal.authors = vec!["Yongming Rao".into(), "Jie Zhou".into()];
        let mut other = paper("title:o", "Token Sparsity Again", Some(2024), None);
        other.authors = vec!["Ada Lovelace".into()];
        let nobody = paper("title:n", "Pruned Tokens for All", Some(2024), None);
        let catalog = Catalog {
            papers: vec![journal, other, nobody],
            ..Catalog::default()
        };
        let mut source = Fixed::default();
        let mut preprint = record("pre", "Dynamic Token Sparsification", Some(2021));
        preprint.authors = vec![
            author("Yongming Rao"),
            author("Wenliang Zhao"),
            author("Jie Zhou"),
        ];
        source
            .titles
            .insert(normalize_title("Dynamic Token Sparsification"), preprint);
        let mut stranger = record("x", "Token Sparsity Again", Some(2021));
        stranger.authors = vec![author("Bob Tables")];
        source
            .titles
            .insert(normalize_title("Token Sparsity Again"), stranger);
        source.titles.insert(
            normalize_title("Pruned Tokens for All"),
            record("y", "Pruned Tokens for All", Some(2020)),
        );
        let out = run(&catalog, &mut source);
        assert_eq!(out[0].record.as_ref().unwrap().paper_id, "pre");
        assert_eq!(out[0].method, Some(ResolveMethod::Title));
        // Other authors, or none to compare: the year gap still says another work.
        assert!(out[1].record.is_none(), "{:?}", out[1]);
        assert!(out[1].notes[0].contains("year 2021"), "{:?}", out[1].notes);
        assert!(out[2].record.is_none(), "{:?}", out[2]);
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
