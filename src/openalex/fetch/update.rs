//! `--update` for OpenAlex: a paper's citers brought up to date asking only what may have
//! changed, as `src/s2/update` does for Semantic Scholar.
//!
//! The works themselves are re-asked (singletons are free), which gives each version's current
//! `cited_by_count` and `referenced_works` (a changed reference list is a new `openalex_id:`
//! filter, so it is asked afresh). For the citers of the paper's versions (`cites:W1|W2`):
//! - the count unchanged: the cached list stands, no request;
//! - the count grew: only the citers published since the cached list's fetch less
//!   [`LATE_INDEXING_MARGIN`] (`filter=cites:W…,from_publication_date:YYYY-MM-DD`), merged into
//!   the cached list (a citer seen again replacing the old), and kept as the list's one page;
//! - exactness: when after the merge the list accounts for the count less well than before (the
//!   gap between `cited_by_count` and the list grew: a citer indexed long after its
//!   publication), when the count fell, or when the cache holds no count or no list to start
//!   from, the whole list is read again.
//!
//! A kept list keeps the retraction flags of when it was fetched, so the linked works' flags are
//! asked afresh for all the asked papers together ([`Asker::refresh_retractions`]): a work
//! retracted since is in its paper's `retracted_links` (and so never suggested), in this run and
//! in later runs from the cache.

use std::collections::HashSet;

use crate::cache::Read;
use crate::records::sources::SourceLists;

use super::super::wire::{ListPage, Work};
use super::{add, Asker, Miss, LISTS, LIST_CREDITS, MAX_FILTER_IDS, PER_PAGE};

/// How long before the cached list's fetch new citers are asked for: OpenAlex indexes works days
/// to weeks after they appear (the same margin as Semantic Scholar's update).
pub(super) const LATE_INDEXING_MARGIN: u64 = 28 * 86_400;

/// What the update made of a paper's citers.
pub(super) enum Citers {
    /// The list, up to date.
    Updated(Vec<Work>),
    /// Read the whole list again (fresh, not from the cache).
    Whole,
}

impl Asker {
    /// The up-to-date citers of the versions `keys`, whose `cited_by_count`s now sum to
    /// `current` (`None`: a version without a count). Errors: the cache cannot be written.
    pub(super) fn update_citers(
        &mut self,
        keys: &[String],
        current: Option<u64>,
        own: &HashSet<&str>,
    ) -> anyhow::Result<Result<Citers, Miss>> {
        let filter = format!("cites:{}", keys.join("|"));
        let previous: Option<u64> = keys
            .iter()
            .map(|k| self.previous_counts.get(k).copied())
            .sum();
        let (Some(current), Some(previous)) = (current, previous) else {
            return Ok(Ok(Citers::Whole));
        };
        let Some((cached, fetched_at)) = self.cached_pages(&filter) else {
            return Ok(Ok(Citers::Whole));
        };
        if current == previous {
            return Ok(Ok(Citers::Updated(cached)));
        }
        if current < previous {
            return Ok(Ok(Citers::Whole));
        }
        let since = crate::clock::utc_stamp(fetched_at.saturating_sub(LATE_INDEXING_MARGIN))[..10]
            .to_string();
        let recent = format!("{filter},from_publication_date:{since}");
        let mut merged = cached.clone();
        let mut cursor = "*".to_string();
        loop {
            let page = match self.fresh_list(&recent, Some(&cursor))? {
                Ok(page) => page,
                Err(miss) => return Ok(Err(miss)),
            };
            let empty = page.results.is_empty();
            for work in page.results {
                if work.key().is_some_and(|k| own.contains(k.as_str())) {
                    continue;
                }
                merged.retain(|w| w.key() != work.key());
                add(&mut merged, work);
            }
            match page.meta.next_cursor {
                Some(next) if !empty && next != cursor => cursor = next,
                _ => break,
            }
        }
        let gap_before = previous as i64 - cached.len() as i64;
        let gap_after = current as i64 - merged.len() as i64;
        if gap_after > gap_before {
            return Ok(Ok(Citers::Whole));
        }
        let page = ListPage {
            results: merged.clone(),
            ..ListPage::default()
        };
        self.cache.put(
            LISTS,
            &super::list_request(&filter, PER_PAGE, Some("*")),
            &page,
        )?;
        Ok(Ok(Citers::Updated(merged)))
    }

    /// Sets each list's `retracted_links` from OpenAlex's flags of the linked works. For the
    /// asked papers' works (`lists[].ids`, [`MAX_FILTER_IDS`] a call) the answers to
    /// `filter=cites:W1|…,is_retracted:true` (retracted citers) and
    /// `filter=cited_by:W1|…,is_retracted:true` (retracted references), every page.
    /// `ask` (an online `--update`): asked afresh (1 credit a page, cached as the other lists)
    /// and the flags are exactly the answers', so a link retracted since its list was fetched is
    /// flagged and one no longer retracted is not; when a call has no answer the flags stay as the
    /// lists had them (a warning says why). Otherwise (offline, or a run without `--update`):
    /// no request; the cached answers, when an update left them for these papers, add their
    /// flags to the lists' own. Errors: the cache cannot be written.
    pub(super) fn refresh_retractions(
        &mut self,
        lists: &mut [SourceLists],
        ask: bool,
    ) -> anyhow::Result<()> {
        let mut keys: Vec<&str> = lists
            .iter()
            .flat_map(|l| &l.ids)
            .filter_map(|id| id.strip_prefix("openalex:"))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut retracted: HashSet<String> = HashSet::new();
        for chunk in keys.chunks(MAX_FILTER_IDS) {
            for relation in ["cites", "cited_by"] {
                let filter = format!("{relation}:{},is_retracted:true", chunk.join("|"));
                let works = if ask {
                    match self.fresh_pages(&filter)? {
                        Ok(works) => works,
                        Err(miss) => {
                            tracing::warn!(
                                "OpenAlex retraction flags of linked works not updated (kept as \
                                 fetched): {}",
                                miss.reason()
                            );
                            return Ok(());
                        }
                    }
                } else {
                    match self.cached_pages(&filter) {
                        Some((works, _)) => works,
                        None => return Ok(()),
                    }
                };
                retracted.extend(works.iter().filter_map(Work::key));
            }
        }
        for list in lists.iter_mut() {
            let mut flagged: Vec<String> = list
                .references
                .iter()
                .chain(list.citations.iter())
                .flatten()
                .filter_map(|link| link.paper_id.clone())
                .filter(|id| {
                    id.strip_prefix("openalex:")
                        .is_some_and(|k| retracted.contains(k))
                })
                .collect();
            if !ask {
                flagged.append(&mut list.retracted_links);
            }
            flagged.sort();
            flagged.dedup();
            list.retracted_links = flagged;
        }
        Ok(())
    }

    /// Every page of `filter`'s answer asked afresh (and cached).
    fn fresh_pages(&mut self, filter: &str) -> anyhow::Result<Result<Vec<Work>, Miss>> {
        let mut works: Vec<Work> = Vec::new();
        let mut cursor = "*".to_string();
        loop {
            let page = match self.fresh_list(filter, Some(&cursor))? {
                Ok(page) => page,
                Err(miss) => return Ok(Err(miss)),
            };
            let empty = page.results.is_empty();
            works.extend(page.results);
            match page.meta.next_cursor {
                Some(next) if !empty && next != cursor => cursor = next,
                _ => break,
            }
        }
        Ok(Ok(works))
    }

    /// The citers the cache holds for `filter`, every page of it whatever its age, and when its
    /// first page was fetched; `None` when a page is missing.
    fn cached_pages(&self, filter: &str) -> Option<(Vec<Work>, u64)> {
        let mut works: Vec<Work> = Vec::new();
        let mut cursor = "*".to_string();
        let mut first_fetched = None;
        loop {
            let request = super::list_request(filter, PER_PAGE, Some(&cursor));
            let Ok(Read::Hit(entry)) = self.cache.get::<ListPage>(LISTS, &request, None) else {
                return None;
            };
            first_fetched.get_or_insert(entry.fetched_at);
            let page = entry.body;
            let empty = page.results.is_empty();
            works.extend(page.results);
            match page.meta.next_cursor {
                Some(next) if !empty && next != cursor => cursor = next,
                _ => break,
            }
        }
        Some((works, first_fetched?))
    }

    /// One list page asked of the server whatever the cache holds (and then cached).
    fn fresh_list(
        &mut self,
        filter: &str,
        cursor: Option<&str>,
    ) -> anyhow::Result<Result<ListPage, Miss>> {
        let fresh = std::mem::replace(&mut self.fresh, true);
        let page = self.list(filter, PER_PAGE, cursor, LIST_CREDITS);
        self.fresh = fresh;
        page
    }
}
