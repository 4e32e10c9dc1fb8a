//! Expansions: one more list for a few missing papers whose evidence is thin (`--expand N`).
//!
//! A foundation's first page of citers, or a candidate's references, fetched on demand after a
//! first pass of the analysis has ranked the missing papers; the analysis then counts how many of
//! those papers sit in the catalogue's neighbourhood (see `analysis/missing.rs`, "Scope"). Lists
//! hold Semantic Scholar paper ids (40 hex digits), as the API gives them, in its order.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Which list of a paper an expansion fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpandList {
    /// `GET /paper/{id}/citations`: the papers citing it (for a foundation).
    Citations,
    /// `GET /paper/{id}/references`: the papers it cites (for a candidate).
    References,
}

impl ExpandList {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpandList::Citations => "citations",
            ExpandList::References => "references",
        }
    }
}

/// One list to fetch: of which paper, which list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExpandRequest {
    pub paper_id: String,
    pub list: ExpandList,
}

/// The fetched lists, by (paper id, list). A list the API could not give is absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expansions {
    pub lists: HashMap<(String, ExpandList), Vec<String>>,
}

impl Expansions {
    /// The list of `paper_id`, when it was fetched.
    pub fn get(&self, paper_id: &str, list: ExpandList) -> Option<&[String]> {
        self.lists
            .get(&(paper_id.to_string(), list))
            .map(Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    pub fn len(&self) -> usize {
        self.lists.len()
    }
}
