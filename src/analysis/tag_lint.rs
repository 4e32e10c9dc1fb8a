//! Catalogue papers whose citation neighbourhood or community disagrees with their mechanism
//! badges: candidates for a second look at the tags.
//!
//! For a catalogue paper p with mechanisms M(p), over its catalogue neighbours N(p) (citing or
//! cited, with a mechanism badge):
//! - agreement = share of N(p) carrying a mechanism of M(p); chance(p) = the same share over all
//!   other tagged catalogue papers;
//! - suggested = the mechanism outside M(p) carried by most of N(p), suggested_share its share;
//!   base(m) = the share of tagged catalogue papers carrying m.
//!
//! p is listed when it has at least `min_neighbours` neighbours, agreement < chance(p) (its own
//! mechanisms are rarer around it than anywhere), and either its neighbourhood points elsewhere
//! (suggested_share >= 0.5 and >= 1.5 base(suggested)), or its detected community, with at least
//! 5 other tagged catalogue papers, is dominated by one mechanism p does not carry (a share >= 0.6
//! and >= 1.5 times its base). Listed by decreasing suggested_share - agreement.

use std::collections::BTreeMap;

use super::groups::share;
use super::{GraphMetrics, TagLint};

const MIN_COMMUNITY: usize = 5;

/// The catalogue papers listed by the test above, with at least `min_neighbours` tagged
/// catalogue neighbours each.
pub fn lint_tags(cx: &GraphMetrics<'_>, min_neighbours: usize) -> Vec<TagLint> {
    let tagged: Vec<u32> = cx
        .catalog_nodes
        .iter()
        .copied()
        .filter(|&v| !cx.specified_mechanisms(v).is_empty())
        .collect();
    if tagged.len() < 2 {
        return Vec::new();
    }
    let mut base_count: BTreeMap<&str, usize> = BTreeMap::new();
    for &v in &tagged {
        for m in cx.specified_mechanisms(v) {
            *base_count.entry(m.as_str()).or_default() += 1;
        }
    }
    let base = |m: &str| base_count.get(m).copied().unwrap_or(0) as f64 / tagged.len() as f64;

    // Tagged catalogue members per community.
    let community = |v: u32| cx.communities.labels.get(v as usize).copied();
    let mut members: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &v in &tagged {
        if let Some(c) = community(v) {
            members.entry(c).or_default().push(v);
        }
    }

    let mut out = Vec::new();
    for &p in &tagged {
        let own = cx.specified_mechanisms(p);
        let shares_own = |q: u32| cx.specified_mechanisms(q).iter().any(|m| own.contains(m));
        let neighbours: Vec<u32> = cx
            .undirected
            .neighbors(p)
            .iter()
            .copied()
            .filter(|&q| !cx.specified_mechanisms(q).is_empty())
            .collect();
        if neighbours.len() < min_neighbours.max(1) {
            continue;
        }
        let agreement = fraction(
            neighbours.iter().filter(|&&q| shares_own(q)).count(),
            neighbours.len(),
        );
        let chance = fraction(
            tagged.iter().filter(|&&q| q != p && shares_own(q)).count(),
            tagged.len() - 1,
        );
        if agreement >= chance {
            continue;
        }
        let (suggested, suggested_share) = dominant(cx, &neighbours, own);
        let neighbourhood_flag =
            suggested_share >= 0.5 && suggested_share >= 1.5 * base(&suggested);

        let mut community_note = None;
        if let Some(c) = community(p) {
            let others: Vec<u32> = members
                .get(&c)
                .map(|m| m.iter().copied().filter(|&q| q != p).collect())
                .unwrap_or_default();
            if others.len() >= MIN_COMMUNITY {
                let (top, top_share) = dominant(cx, &others, own);
                if top_share >= 0.6 && top_share >= 1.5 * base(&top) {
                    community_note = Some((c, top, top_share, others.len()));
                }
            }
        }
        if !neighbourhood_flag && community_note.is_none() {
            continue;
        }
        let mut reasons = Vec::new();
        if neighbourhood_flag {
            reasons.push(format!(
                "{:.0}% of its {} catalogue neighbours are \"{}\" (base rate {:.0}%), {:.0}% share \
                 its own mechanisms ({:.0}% by chance)",
                100.0 * suggested_share,
                neighbours.len(),
                suggested,
                100.0 * base(&suggested),
                100.0 * agreement,
                100.0 * chance
            ));
        }
        let (suggested, suggested_share) = match (&community_note, neighbourhood_flag) {
            (Some((c, top, share, size)), _) => {
                reasons.push(format!(
                    "its community C{c} is {:.0}% \"{top}\" ({size} other tagged papers)",
                    100.0 * share
                ));
                if neighbourhood_flag {
                    (suggested, suggested_share)
                } else {
                    (top.clone(), *share)
                }
            }
            (None, _) => (suggested, suggested_share),
        };
        let Some(info) = cx.info(p) else { continue };
        out.push(TagLint {
            key: info.key.clone(),
            title: cx.graph.node(p).title.clone(),
            mechanisms: own.to_vec(),
            suggested,
            agreement,
            suggested_share,
            neighbours: neighbours.len(),
            reason: reasons.join("; "),
        });
    }
    out.sort_by(|a, b| {
        (b.suggested_share - b.agreement)
            .total_cmp(&(a.suggested_share - a.agreement))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

fn fraction(part: usize, whole: usize) -> f64 {
    share(part as u64, whole as u64)
}

/// The mechanism outside `own` carried by most of `papers` (ties by name), and its share.
fn dominant(cx: &GraphMetrics<'_>, papers: &[u32], own: &[String]) -> (String, f64) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &q in papers {
        for m in cx.specified_mechanisms(q) {
            if !own.contains(m) {
                *counts.entry(m.as_str()).or_default() += 1;
            }
        }
    }
    let mut best: (&str, usize) = ("", 0);
    for (m, c) in counts {
        if c > best.1 {
            best = (m, c);
        }
    }
    (best.0.to_string(), fraction(best.1, papers.len()))
}
