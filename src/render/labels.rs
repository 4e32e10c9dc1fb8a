//! Short labels for papers, shared by the graph exports, the report and the tables, so the same
//! paper reads the same everywhere: its method abbreviation (the catalogue's blue badge) when it
//! has one, else a short form of its title.

/// A label from the catalogue or the API made safe to print or draw on one line: control
/// characters (newlines, tabs, NUL, which XML cannot hold) and runs of whitespace become one
/// space, and the ends are trimmed.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() || c == '\u{FFFE}' || c == '\u{FFFF}' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The longest method name a title's head may be ("ToMe", "Learned Token Pruning").
const METHOD_NAME_CHARS: usize = 28;

/// The method name of a title of the form `Name: what it does`: the part before the first ": "
/// when it is 2 to 28 characters and at most 5 words long, as a survey would cite the paper.
pub fn method_name(title: &str) -> Option<String> {
    let title = one_line(title);
    let (head, _) = title.split_once(": ")?;
    let head = head.trim();
    let chars = head.chars().count();
    ((2..=METHOD_NAME_CHARS).contains(&chars) && head.split(' ').count() <= 5)
        .then(|| head.to_string())
}

/// `text` with its TeX math (`$...$`, as Semantic Scholar's titles carry it: "IA-RED$^2$",
/// "A Simple and Effective $ L_2 $ Norm-Based Strategy") written as plain text for a label:
/// `^`, `_` and braces dropped, the spaces inside trimmed, a few commands as their characters
/// (`\times` ×, `\cdot` ·, `\ell` ℓ, Greek letters), another `\command` as its name. An
/// unpaired `$` stays.
pub fn plain_math(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('$') {
        let Some(len) = rest[open + 1..].find('$') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&math_text(&rest[open + 1..open + 1 + len]));
        rest = &rest[open + 2 + len..];
    }
    out.push_str(rest);
    out
}

/// The plain text of one TeX math span (see [`plain_math`]).
fn math_text(math: &str) -> String {
    const COMMANDS: [(&str, &str); 14] = [
        ("times", "×"),
        ("cdot", "·"),
        ("ell", "ℓ"),
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ε"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("pi", "π"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("infty", "∞"),
    ];
    let mut out = String::new();
    let mut chars = math.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' | '_' | '{' | '}' => {}
            '\\' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek().filter(|n| n.is_ascii_alphabetic()) {
                    name.push(n);
                    chars.next();
                }
                match COMMANDS.iter().find(|(command, _)| *command == name) {
                    Some((_, symbol)) => out.push_str(symbol),
                    None => out.push_str(&name),
                }
            }
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A paper's name, uncut: its abbreviation (the catalogue's blue badge) when it has one, else the
/// method name of its title, else its whole title; `(untitled)` when all are empty. The one rule
/// every output follows; each cuts the name to its own room ([`paper_label`] to 28 characters,
/// the figures to pixels).
pub fn paper_name(abbreviation: Option<&str>, title: &str) -> String {
    let name = abbreviation
        .map(one_line)
        .filter(|a| !a.is_empty())
        .or_else(|| method_name(&plain_math(title)))
        .unwrap_or_else(|| one_line(&plain_math(title)));
    if name.is_empty() {
        "(untitled)".to_string()
    } else {
        name
    }
}

/// A title's short form cut to at most `max_chars` characters: its method name when it has one
/// that fits, else the title cut at a word boundary with `…`.
pub fn short_title(title: &str, max_chars: usize) -> String {
    match method_name(title) {
        Some(name) if name.chars().count() <= max_chars => name,
        _ => truncate(&one_line(title), max_chars),
    }
}

/// Cuts `text` to at most `max_chars` characters, at the last space when there is one in the
/// second half, ending with `…` when anything was cut.
pub fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    // One character is kept for the ellipsis; a space right after the cut still counts as a
    // word boundary, hence the window of max_chars.
    let window: String = text.chars().take(max_chars).collect();
    let cut: String = match window.rfind(' ') {
        Some(space) if window[..space].chars().count() >= max_chars / 2 => window[..space].into(),
        _ => window.chars().take(max_chars.saturating_sub(1)).collect(),
    };
    format!("{}…", cut.trim_end())
}

/// `text` ([`one_line`]) broken at spaces into at most `max_lines` lines of at most
/// `line_chars` characters each (at least 2 and 1); a word longer than a line is cut, and when
/// text is left over the last line ends with `…`. Empty text gives no lines.
pub fn wrap(text: &str, line_chars: usize, max_lines: usize) -> Vec<String> {
    let (line_chars, max_lines) = (line_chars.max(2), max_lines.max(1));
    let text = one_line(text);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut cut = false;
    'words: for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_string();
        loop {
            let needed =
                current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
            if needed <= line_chars {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(&word);
                continue 'words;
            }
            if current.is_empty() {
                // A word longer than a line: its head on this line, the rest goes on.
                current = word.chars().take(line_chars).collect();
                word = word.chars().skip(line_chars).collect();
            }
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                cut = true;
                break 'words;
            }
        }
    }
    if !current.is_empty() {
        if lines.len() < max_lines {
            lines.push(current);
        } else {
            cut = true;
        }
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            if last.chars().count() < line_chars {
                last.push('…');
            } else {
                // The trailing space lets [`truncate`] keep the line's last whole word.
                *last = truncate(&format!("{last} "), line_chars);
            }
        }
    }
    lines
}

/// The label of a paper in graphs and tables: [`paper_name`], a name from the title cut to 28
/// characters (an abbreviation is the catalogue's own choice and stays whole).
pub fn paper_label(abbreviation: Option<&str>, title: &str) -> String {
    match abbreviation.map(one_line) {
        Some(abbreviation) if !abbreviation.is_empty() => abbreviation,
        _ => truncate(&paper_name(None, title), METHOD_NAME_CHARS),
    }
}

/// A paper's label in a figure: [`paper_name`] (the figure cuts it to its pixels), and its year
/// in parentheses (empty without a year), kept apart so that a cut label keeps its year.
pub fn figure_paper_label(
    abbreviation: Option<&str>,
    title: &str,
    year: Option<i32>,
) -> (String, String) {
    let year = year.map(|y| format!("({y})")).unwrap_or_default();
    (paper_name(abbreviation, title), year)
}

/// How many papers name a community that has no label of its own.
const COMMUNITY_NAME_PAPERS: usize = 3;

/// The name of every community a paper of `analysis` is in, as the figures, the DOT and the
/// report show it: `C{id}: ` and the analysis' `community_label` when a paper of the community
/// carries one (the first in the papers' order), else the names ([`paper_name`], each cut to 20
/// characters) of its three catalogue papers of highest PageRank (ties by paper id); just `C{id}`
/// when it holds no catalogue paper. One pass over the papers, then a sort of each community's
/// catalogue papers: O(n log n) for n papers, however many communities there are (the render's
/// [`crate::render::View`] computes them once).
pub fn community_names(
    analysis: &crate::analysis::Analysis,
) -> std::collections::BTreeMap<u32, String> {
    use std::collections::BTreeMap;
    struct Members<'a> {
        label: Option<String>,
        catalog: Vec<&'a crate::analysis::PaperMetrics>,
    }
    let mut communities: BTreeMap<u32, Members<'_>> = BTreeMap::new();
    for paper in &analysis.papers {
        let members = communities.entry(paper.community).or_insert(Members {
            label: None,
            catalog: Vec::new(),
        });
        if members.label.is_none() && !paper.community_label.is_empty() {
            let label = one_line(&paper.community_label);
            if !label.is_empty() {
                members.label = Some(label);
            }
        }
        if paper.in_catalog {
            members.catalog.push(paper);
        }
    }
    communities
        .into_iter()
        .map(|(id, mut members)| {
            if let Some(label) = members.label {
                return (id, format!("C{id}: {label}"));
            }
            members.catalog.sort_by(|a, b| {
                b.pagerank
                    .total_cmp(&a.pagerank)
                    .then_with(|| a.paper_id.cmp(&b.paper_id))
            });
            let names: Vec<String> = members
                .catalog
                .iter()
                .take(COMMUNITY_NAME_PAPERS)
                .map(|p| truncate(&paper_name(p.abbreviation.as_deref(), &p.title), 20))
                .collect();
            let name = if names.is_empty() {
                format!("C{id}")
            } else {
                format!("C{id}: {}", names.join(", "))
            };
            (id, name)
        })
        .collect()
}

/// The name of community `id` ([`community_names`]); `C{id}` when no paper is in it. O(n log n):
/// a render names communities through its `View`, which computes them all once.
pub fn community_name(analysis: &crate::analysis::Analysis, id: u32) -> String {
    community_names(analysis)
        .remove(&id)
        .unwrap_or_else(|| format!("C{id}"))
}

/// An author list the way the catalogue writes it (BibTeX order, `Last, First and Last, First`),
/// from Semantic Scholar's `First Last` names; after `max` names, `and others`.
pub fn authors_bibtex_style(authors: &[String], max: usize) -> String {
    let mut names: Vec<String> = authors
        .iter()
        .map(|name| one_line(name))
        .filter(|name| !name.is_empty())
        .take(max)
        .map(|name| {
            if name.contains(',') {
                return name;
            }
            match name.rsplit_once(' ') {
                Some((given, family)) => format!("{family}, {given}"),
                None => name,
            }
        })
        .collect();
    if authors.len() > max {
        names.push("others".to_string());
    }
    names.join(" and ")
}

/// A mechanism name for a legend: underscores as spaces, first letter upper-case (the
/// catalogue's own display name is [`crate::catalog::display_mechanism`]).
pub fn mechanism_label(name: &str) -> String {
    let name = one_line(&name.replace('_', " "));
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "(none)".to_string(),
    }
}

/// A domain name for an axis: the catalogue's folders are called "Vision Domain" and so on, and
/// the figure's axis title already says "domain".
pub fn display_domain(name: &str) -> String {
    let name = one_line(&name.replace('_', " "));
    const SUFFIX: &str = " domain";
    let cut = name.len().saturating_sub(SUFFIX.len());
    let short = match (name.get(..cut), name.get(cut..)) {
        (Some(head), Some(tail)) if cut > 0 && tail.eq_ignore_ascii_case(SUFFIX) => {
            head.trim_end().to_string()
        }
        _ => name,
    };
    if short.is_empty() {
        "(none)".to_string()
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_math_in_titles_reads_as_plain_text() {
        assert_eq!(
            paper_name(None, "A Simple and Effective $ L_2 $ Norm-Based Strategy"),
            "A Simple and Effective L2 Norm-Based Strategy"
        );
        assert_eq!(plain_math("IA-RED$^2$: x"), "IA-RED2: x");
        assert_eq!(
            plain_math("$O(n \\log n)$ and $\\alpha$"),
            "O(n log n) and α"
        );
        assert_eq!(plain_math("costs $5 only"), "costs $5 only");
    }

    #[test]
    fn short_titles_prefer_the_method_name() {
        assert_eq!(
            short_title("SPViT: Enabling Faster Vision Transformers", 28),
            "SPViT"
        );
        assert_eq!(
            short_title(
                "Adaptive Token Sampling for Efficient Vision Transformers",
                28
            ),
            "Adaptive Token Sampling for…"
        );
        assert_eq!(short_title("Short\ntitle", 28), "Short title");
        assert_eq!(short_title("漢字漢字漢字漢字漢字", 5), "漢字漢字…");
    }

    #[test]
    fn titles_wrap_at_word_boundaries() {
        assert_eq!(
            wrap("Recent token reduction study 7", 22, 3),
            vec!["Recent token reduction", "study 7"]
        );
        assert_eq!(wrap("short", 22, 3), vec!["short"]);
        assert!(wrap(" \n", 22, 3).is_empty());
        assert_eq!(
            wrap("one two three four five six", 9, 2),
            vec!["one two", "three…"]
        );
        assert_eq!(
            wrap("Supercalifragilistic x", 8, 3),
            vec!["Supercal", "ifragili", "stic x"]
        );
        // Every line fits, the ellipsis included.
        for lines in [wrap("aaaa bbbb cccc dddd", 9, 1), wrap("abcdefghij", 4, 2)] {
            assert!(lines.iter().all(|l| l.chars().count() <= 9), "{lines:?}");
            assert!(lines.last().unwrap().ends_with('…'), "{lines:?}");
        }
        assert_eq!(wrap("abcdefghij", 4, 2), vec!["abcd", "efg…"]);
    }

    #[test]
    fn labels_fall_back_to_the_title() {
        assert_eq!(paper_label(Some("ToMe"), "Token Merging: Your ViT"), "ToMe");
        assert_eq!(
            paper_label(Some("  "), "Token Merging: Your ViT"),
            "Token Merging"
        );
        assert_eq!(paper_label(None, "X"), "X");
    }

    #[test]
    fn figure_labels_are_cleaned_and_shortened() {
        assert_eq!(one_line(" a\n\tb\u{0}c  "), "a b c");
        assert_eq!(
            figure_paper_label(None, "ToMe: Token Merging: Your ViT but Faster", Some(2023)),
            ("ToMe".to_string(), "(2023)".to_string())
        );
        // The same name as the tables and the DOT give, uncut.
        let long = "A very long method name that is not one: subtitle";
        assert_eq!(figure_paper_label(None, long, None).0, long);
        assert_eq!(paper_label(None, long), "A very long method name…");
        assert_eq!(method_name("arXiv:2101.00001 a title"), None);
        assert_eq!(
            method_name("Make A Long Image Short: Adaptive"),
            Some("Make A Long Image Short".into())
        );
        assert_eq!(paper_name(Some(" "), "\n"), "(untitled)");
        assert_eq!(display_domain("Multi-modal Domain"), "Multi-modal");
        assert_eq!(mechanism_label("token_pruning"), "Token pruning");
    }

    #[test]
    fn communities_are_named_by_their_top_papers_or_their_label() {
        use crate::analysis::{Analysis, PaperMetrics};
        let paper = |id: &str, title: &str, pagerank: f64, community: u32| PaperMetrics {
            paper_id: id.to_string(),
            title: title.to_string(),
            in_catalog: true,
            pagerank,
            community,
            ..PaperMetrics::default()
        };
        let mut analysis = Analysis {
            papers: vec![
                paper("a", "ToMe: Token Merging", 0.1, 0),
                paper(
                    "b",
                    "An extraordinarily long title with no method name",
                    0.3,
                    0,
                ),
                paper("c", "EViT: Not all patches", 0.2, 0),
                paper("d", "DynamicViT: Pruning", 0.05, 0),
                paper("e", "Other: x", 0.5, 1),
            ],
            ..Analysis::default()
        };
        assert_eq!(
            community_name(&analysis, 0),
            "C0: An extraordinarily…, EViT, ToMe"
        );
        assert_eq!(community_name(&analysis, 7), "C7");
        analysis.papers[3].community_label = "token merging\n".into();
        assert_eq!(community_name(&analysis, 0), "C0: token merging");
    }

    #[test]
    fn authors_read_like_the_catalogue() {
        let authors = vec![
            "Daniel Bolya".to_string(),
            "Cheng-Yang Fu".to_string(),
            "Plato".to_string(),
        ];
        assert_eq!(
            authors_bibtex_style(&authors, 10),
            "Bolya, Daniel and Fu, Cheng-Yang and Plato"
        );
        assert_eq!(
            authors_bibtex_style(&authors, 1),
            "Bolya, Daniel and others"
        );
    }
}
