//! Headings: the sections above each entry (a year heading nests under a task heading of the
//! same level), the sections whose items are never entries (news, tools, contents), and the
//! domains of a file at the list's root, taken from its topic headings.

use pulldown_cmark::HeadingLevel;

use crate::catalog::badges::collapse_spaces;
use crate::catalog::mechanisms::label_key;

use super::RawEntry;

#[derive(Debug)]
struct Heading {
    /// The written level, or one deeper than the task heading a year heading nests under.
    depth: usize,
    text: String,
    year: Option<i32>,
}

/// The headings in force at the current point of the file.
#[derive(Debug, Default)]
pub(super) struct HeadingStack {
    stack: Vec<Heading>,
    /// Headings seen so far in the file.
    pub(super) count: usize,
    /// The level of the navigation, news or tools heading whose section the walker is in.
    skip_level: Option<usize>,
}

fn level_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

impl HeadingStack {
    /// Year headings are a dimension of their own in these lists: `### Image Generation:` then
    /// `### 2023` (same level), or `### Speech:` then `## 2023` (a higher level!) both mean "2023
    /// papers of that task". So a year heading replaces the previous year (and the tasks under it)
    /// but nests under a task heading that is not itself under a year; any other heading closes
    /// the headings at its level and deeper, as Markdown says.
    pub(super) fn push(&mut self, level: HeadingLevel, raw: &str) {
        self.count += 1;
        let level = level_number(level);
        let text = clean_heading(raw);
        if self.skip_level.is_some_and(|skip| level <= skip) {
            self.skip_level = None;
        }
        if is_not_papers(&text) {
            self.skip_level = Some(level);
        } else if is_contents(&text) {
            // A table of contents ends at the next heading, whatever its level.
            self.skip_level = Some(6);
        }
        let year = heading_year(&text);
        let depth = if year.is_some() {
            while let Some(top) = self.stack.last() {
                let under_a_year = self.stack.iter().rev().skip(1).any(|h| h.year.is_some());
                if top.year.is_some() || (top.depth >= level && under_a_year) {
                    self.stack.pop();
                } else {
                    break;
                }
            }
            self.stack
                .last()
                .map_or(level, |top| level.max(top.depth + 1))
        } else {
            while self.stack.last().is_some_and(|top| top.depth >= level) {
                self.stack.pop();
            }
            level
        };
        // The document title (a first-level heading before any other) and tables of contents
        // close sections but are not sections of the entries below them.
        let is_document_title = level == 1 && self.count == 1;
        if text.is_empty() || is_document_title || is_contents(&text) {
            return;
        }
        self.stack.push(Heading { depth, text, year });
    }

    /// Inside a section whose items are not papers ([`is_not_papers`], contents).
    pub(super) fn skipping(&self) -> bool {
        self.skip_level.is_some()
    }

    pub(super) fn sections(&self) -> Vec<String> {
        self.stack.iter().map(|h| h.text.clone()).collect()
    }

    pub(super) fn innermost_year(&self) -> Option<i32> {
        self.stack.iter().rev().find_map(|h| h.year)
    }
}

fn clean_heading(raw: &str) -> String {
    let text = collapse_spaces(raw);
    let text = text.trim_matches(|c: char| c == ':' || c.is_whitespace());
    // Emoji and symbols in front ("📚 Contents") are decoration.
    let text = text.trim_start_matches(|c: char| !c.is_alphanumeric() && !c.is_ascii_punctuation());
    text.trim().to_string()
}

fn heading_year(text: &str) -> Option<i32> {
    let digits = text.trim();
    if digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) {
        let year: i32 = digits.parse().ok()?;
        (1900..2100).contains(&year).then_some(year)
    } else {
        None
    }
}

/// Sections of a list whose items are not papers: news, tools, contributing and the like. Their
/// items are never entries, and never warned about. Exact heading names only: "Tool Learning"
/// is a topic of papers, "Tools" is not.
fn is_not_papers(text: &str) -> bool {
    const NAMES: &[&str] = &[
        "news",
        "latest news",
        "updates",
        "update",
        "changelog",
        "tools",
        "tool",
        "toolkits",
        "toolkit",
        "tools and libraries",
        "libraries",
        "contributing",
        "contribution",
        "contributions",
        "contributors",
        "how to contribute",
        "star history",
        "stargazers",
        "acknowledgement",
        "acknowledgements",
        "acknowledgment",
        "acknowledgments",
        "license",
        "citation",
        "cite",
        "how to cite",
        "contact",
        "contact us",
        "related awesome lists",
        "other awesome lists",
        "awesome lists",
    ];
    let key = label_key(text);
    NAMES.contains(&key.as_str())
}

fn is_contents(text: &str) -> bool {
    let key = label_key(text);
    key == "contents" || key == "table of contents" || key == "toc"
}

/// Domains for the entries of a file that sits at the list's root (its path names no domain):
/// the entry's first heading below those every entry of the file shares (a wrapper such as
/// `## Papers`), year headings left out; an entry with no such heading keeps the domain it has
/// (the file's stem). Entries are one file's, in file order.
pub fn domains_from_headings(entries: &mut [RawEntry]) {
    let topics = |entry: &RawEntry| -> Vec<String> {
        entry
            .sections
            .iter()
            .filter(|s| heading_year(s).is_none())
            .cloned()
            .collect()
    };
    let all: Vec<Vec<String>> = entries.iter().map(topics).collect();
    let Some(first) = all.first() else { return };
    let shared = all.iter().skip(1).fold(first.len(), |shared, other| {
        first
            .iter()
            .zip(other)
            .take(shared)
            .take_while(|(a, b)| a == b)
            .count()
    });
    for (entry, topics) in entries.iter_mut().zip(&all) {
        // Below the shared wrapper when there is a heading there; else the innermost shared one.
        let domain = topics
            .get(shared)
            .or_else(|| topics.get(shared.wrapping_sub(1)));
        if let Some(domain) = domain {
            entry.domain = domain.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::markdown::parse_file;
    use crate::catalog::markdown::parse_test_file as parse;

    #[test]
    fn year_headings_nest_under_task_headings_of_the_same_level() {
        let entry = |n: u32, title: &str| {
            format!("- **[{n}] {title}**, arXiv 2024.\n\n  [[Paper](https://arxiv.org/abs/2401.0000{n})]\n\n")
        };
        let text = format!(
            "# Title\n\n## 📚 <span id=\"head1\"> *Contents* </span>\n\n### Image Generation:\n### 2023\n\n{}### 2024\n\n{}### Video Generation:\n\n{}",
            entry(1, "A"),
            entry(2, "B"),
            entry(3, "C")
        );
        let parsed = parse(&text);
        let sections: Vec<Vec<String>> =
            parsed.entries.iter().map(|e| e.sections.clone()).collect();
        assert_eq!(
            sections,
            vec![
                vec!["Image Generation".to_string(), "2023".to_string()],
                vec!["Image Generation".to_string(), "2024".to_string()],
                vec!["Video Generation".to_string()],
            ]
        );
        let indices: Vec<usize> = parsed.entries.iter().map(|e| e.heading_index).collect();
        assert_eq!(indices, vec![4, 5, 6]);
    }

    #[test]
    fn domains_of_a_root_file_come_from_its_topic_headings() {
        let text = "# List\n\n## Papers\n\n### Quantization\n\n#### 2024\n\n- **[1] A**, arXiv 2024. [[Paper](https://arxiv.org/abs/2401.00001)]\n\n### Pruning\n\n- **[2] B**, arXiv 2024. [[Paper](https://arxiv.org/abs/2401.00002)]\n\n## Other\n\n- **[3] C**, arXiv 2024. [[Paper](https://arxiv.org/abs/2401.00003)]\n";
        let mut parsed = parse_file("README.md", "README", text);
        domains_from_headings(&mut parsed.entries);
        let domains: Vec<&str> = parsed.entries.iter().map(|e| e.domain.as_str()).collect();
        assert_eq!(domains, ["Papers", "Papers", "Other"]);
        // One wrapper around everything: the topics below it.
        let text = "## Papers\n### Quantization\n#### 2023\n- **[1] A**, arXiv 2023. [[Paper](https://arxiv.org/abs/2301.00001)]\n### Pruning\n- **[2] B**, arXiv 2024. [[Paper](https://arxiv.org/abs/2401.00002)]\n";
        let mut parsed = parse_file("README.md", "README", text);
        domains_from_headings(&mut parsed.entries);
        let domains: Vec<&str> = parsed.entries.iter().map(|e| e.domain.as_str()).collect();
        assert_eq!(domains, ["Quantization", "Pruning"]);
        // No heading at all: the file's stem stays.
        let mut parsed = parse_file(
            "list.md",
            "list",
            "- **[1] A**, arXiv 2023. [[Paper](https://arxiv.org/abs/2301.00001)]\n",
        );
        domains_from_headings(&mut parsed.entries);
        assert_eq!(parsed.entries[0].domain, "list");
    }
}
