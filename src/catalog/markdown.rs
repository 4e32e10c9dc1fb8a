//! One Markdown file of the list becomes its entries, by walking pulldown-cmark's events.
//!
//! An entry is a list item that opens with bold text (`- **[12] Title**, Venue 2023.`) and carries a
//! number, a badge or a paper link. Around the bold title the family varies a lot, so the walker reads
//! by role rather than by position: the first italic run after the title is the authors line, links
//! are classified by their label (`Paper`, `PDF`, `arXiv`, ... or `Code`, `GitHub`), images are
//! shields.io badges, fenced code is the BibTeX block, and inline HTML (`<br>`, `<sup>`,
//! `<a href>`, `<img src>`) is read for what it means. Headings above an entry are its sections; a
//! year heading (`### 2023`) nests under a task heading of the same level (`### Image Generation`).
//!
//! An item that does not open with bold text (and a table row) is handed, in a flat form, to
//! [`super::formats`], which reads the family's other formats entry by entry. Items under
//! navigation, news, tools or contributing headings are never entries. Entries come out in file
//! order, nested ones included.
//!
//! Broken Markdown never aborts the file: an unclosed bold title keeps the entry with what can be
//! read, a Paper link that is not valid Markdown falls back to the bare URL, and each such repair is a
//! [`Warning`] naming the file and line.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::badges::{collapse_spaces, decode_badge, Badge};
use super::fields::{looks_like_paper, parse_venue, YEAR};
use super::formats;
use super::ids;
use super::{ExternalIds, Links, Warning};

/// One list entry as written, before duplicates are merged.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntry {
    pub file: String,
    pub domain: String,
    /// 1-based line of the list item.
    pub line: usize,
    /// `[12]` in the title, else the position in an ordered list.
    pub number: Option<u32>,
    /// True when the number is written in the title (only those can have gaps or repeats).
    pub number_written: bool,
    /// How many headings precede the entry in its file: numbering may restart when it changes.
    pub heading_index: usize,
    pub sections: Vec<String>,
    pub title: String,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub authors: Vec<String>,
    pub links: Links,
    pub badges: Vec<Badge>,
    pub ids: ExternalIds,
    /// The entry's BibTeX block as written (trimmed), when it holds an `@type{key,` entry.
    pub bibtex: Option<String>,
    /// Link targets that had to be repaired (`[Code]([url](url))`), for the lint.
    pub malformed_links: Vec<String>,
    /// URLs of links left unclosed (`[[Paper](https://...` without its `)`), which Markdown
    /// reads as plain text: for the lint, since they were not read as links.
    pub unclosed_links: Vec<String>,
}

/// What one file yields.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub entries: Vec<RawEntry>,
    pub warnings: Vec<Warning>,
}

static NUMBERED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\[\s*(\d{1,9})\s*\]\s*").expect("literal regex, unit-tested")
});
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<\s*(/?)\s*([a-z][a-z0-9]*)([^>]*)>"#).expect("literal regex, unit-tested")
});
static HTML_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#)
        .expect("literal regex, unit-tested")
});
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"https?://[^\s<>()\[\]"']+"#).expect("literal regex, unit-tested")
});
static AND_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r",?\s+and\s+").expect("literal regex, unit-tested"));

/// Where the walker is inside an item's first inline content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing but whitespace seen yet.
    Start,
    /// Inside the bold title.
    Title,
    /// After the bold title.
    AfterTitle,
    /// The item did not open with bold text.
    Untitled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkRole {
    Paper,
    Code,
}

#[derive(Debug)]
struct OpenLink {
    dest: String,
    label: String,
    /// An image (a badge) is inside the link.
    has_image: bool,
}

/// Everything collected inside one list item.
#[derive(Debug)]
struct ItemState {
    start: usize,
    ordinal: Option<u64>,
    heading_index: usize,
    sections: Vec<String>,
    year_heading: Option<i32>,
    phase: Phase,
    strong_depth: usize,
    title: String,
    title_link: Option<String>,
    venue: String,
    venue_done: bool,
    authors: Option<String>,
    emphasis_depth: usize,
    emphasis_text: String,
    open_links: Vec<OpenLink>,
    paper: Option<String>,
    code: Option<String>,
    other_links: Vec<String>,
    malformed_links: Vec<String>,
    image_depth: usize,
    badges: Vec<Badge>,
    code_depth: usize,
    bibtex: String,
    text: String,
    /// The item's own content for the other formats ([`super::formats`]): text outside links,
    /// `**` around bold runs, a [`formats::LINK`] marker per link, a [`formats::IMAGE`] marker per
    /// image, `\n` per line break, `\t` before each table cell.
    flat: String,
    /// Every link closed in the item, in order, with its label and role.
    flat_links: Vec<formats::FlatLink>,
    /// The item is a table row, not a list item.
    table_row: bool,
    /// Not an item: a paragraph outside any list, watched for entries that lost their bullet.
    loose_paragraph: bool,
    /// The item sits in a navigation, news or tools section: never an entry.
    skipped: bool,
}

impl ItemState {
    fn new(start: usize, ordinal: Option<u64>, context: &HeadingStack) -> Self {
        Self {
            start,
            ordinal,
            heading_index: context.count,
            sections: context.sections(),
            year_heading: context.innermost_year(),
            phase: Phase::Start,
            strong_depth: 0,
            title: String::new(),
            title_link: None,
            venue: String::new(),
            venue_done: false,
            authors: None,
            emphasis_depth: 0,
            emphasis_text: String::new(),
            open_links: Vec::new(),
            paper: None,
            code: None,
            other_links: Vec::new(),
            malformed_links: Vec::new(),
            image_depth: 0,
            badges: Vec::new(),
            code_depth: 0,
            bibtex: String::new(),
            text: String::new(),
            flat: String::new(),
            flat_links: Vec::new(),
            table_row: false,
            loose_paragraph: false,
            skipped: context.skipping(),
        }
    }

    /// Appends to [`Self::flat`] what is outside any link.
    fn flat_push(&mut self, text: &str) {
        if self.open_links.is_empty() && self.code_depth == 0 && self.image_depth == 0 {
            self.flat.push_str(text);
        }
    }

    fn start_content(&mut self, bold: bool) {
        if self.phase == Phase::Start {
            self.phase = if bold { Phase::Title } else { Phase::Untitled };
        }
    }

    fn end_venue(&mut self) {
        if self.phase == Phase::AfterTitle {
            self.venue_done = true;
        }
    }

    fn text(&mut self, text: &str) {
        if self.image_depth > 0 {
            return;
        }
        if self.code_depth > 0 {
            self.bibtex.push_str(text);
            return;
        }
        if self.phase == Phase::Start && !text.trim().is_empty() {
            self.phase = Phase::Untitled;
        }
        self.text.push_str(text);
        self.flat_push(text);
        if let Some(link) = self.open_links.last_mut() {
            link.label.push_str(text);
        }
        match self.phase {
            Phase::Title => self.title.push_str(text),
            Phase::AfterTitle if !self.venue_done && self.open_links.is_empty() => {
                self.venue.push_str(text)
            }
            _ => {}
        }
        if self.emphasis_depth > 0 {
            self.emphasis_text.push_str(text);
        }
    }

    fn line_break(&mut self) {
        if self.code_depth > 0 {
            return;
        }
        self.text.push('\n');
        self.flat_push("\n");
        if self.phase == Phase::Title {
            self.title.push(' ');
        }
        if self.emphasis_depth > 0 {
            self.emphasis_text.push(' ');
        }
        self.end_venue();
    }

    fn open_link(&mut self, dest: &str) {
        self.start_content(false);
        if self.phase == Phase::Title && self.title_link.is_none() {
            self.title_link = Some(dest.to_string());
        }
        self.end_venue();
        self.open_links.push(OpenLink {
            dest: dest.to_string(),
            label: String::new(),
            has_image: false,
        });
    }

    fn close_link(&mut self) {
        let Some(link) = self.open_links.pop() else {
            return;
        };
        let (dest, repaired) = repair_link_target(&link.dest);
        if dest.is_empty() {
            return;
        }
        if repaired {
            self.malformed_links.push(link.dest.clone());
        }
        if self.open_links.is_empty() && self.code_depth == 0 {
            self.flat
                .push_str(&formats::link_marker(self.flat_links.len()));
        }
        self.flat_links.push(formats::FlatLink {
            label: collapse_spaces(&link.label),
            dest: dest.clone(),
            paper_role: link_role(&link.label) == Some(LinkRole::Paper),
            code_role: link_role(&link.label) == Some(LinkRole::Code),
            has_image: link.has_image,
        });
        match link_role(&link.label) {
            Some(LinkRole::Paper) if self.paper.is_none() => self.paper = Some(dest),
            Some(LinkRole::Code) if self.code.is_none() => self.code = Some(dest),
            Some(_) => {}
            None => self.other_links.push(dest),
        }
    }

    fn image(&mut self, dest: &str) {
        self.start_content(false);
        self.end_venue();
        if let Some(link) = self.open_links.last_mut() {
            link.has_image = true;
        }
        if self.image_depth == 0 {
            self.flat_push(formats::IMAGE);
        }
        if let Some(badge) = decode_badge(dest) {
            self.badges.push(badge);
        }
    }

    /// Reads an HTML fragment (one inline tag, or a whole HTML block) for the tags that carry meaning
    /// in an entry: `<br>`, `<a href>`, `<img src>`; others (`<sup>`, `<details>`) are layout.
    fn html(&mut self, html: &str) {
        let mut last = 0;
        for tag in HTML_TAG.captures_iter(html) {
            let Some(whole) = tag.get(0) else { continue };
            self.html_text(&html[last..whole.start()]);
            last = whole.end();
            let closing = tag.get(1).is_some_and(|m| !m.as_str().is_empty());
            let name = tag.get(2).map(|m| m.as_str().to_ascii_lowercase());
            let attrs = tag.get(3).map(|m| m.as_str()).unwrap_or_default();
            match (name.as_deref(), closing) {
                (Some("br"), _) => self.line_break(),
                (Some("a"), false) => {
                    if let Some(href) = html_attr(attrs, "href") {
                        self.open_link(&href);
                    }
                }
                (Some("a"), true) => self.close_link(),
                (Some("img"), false) => {
                    if let Some(src) = html_attr(attrs, "src") {
                        self.image(&src);
                    }
                }
                _ => {}
            }
        }
        self.html_text(&html[last..]);
    }

    /// Text between the tags of an HTML block only matters as the label of an `<a>` link
    /// (`<a href="...">Paper</a>`); the rest (`<summary>BibTex</summary>`) is not entry text.
    fn html_text(&mut self, text: &str) {
        if let Some(link) = self.open_links.last_mut() {
            link.label.push_str(text);
        }
    }
}

fn html_attr(attrs: &str, name: &str) -> Option<String> {
    HTML_ATTR.captures_iter(attrs).find_map(|caps| {
        let key = caps.get(1)?.as_str();
        if !key.eq_ignore_ascii_case(name) {
            return None;
        }
        let value = caps.get(2).or(caps.get(3)).or(caps.get(4))?.as_str();
        Some(value.trim().to_string())
    })
}

/// `[Code]([https://x](https://x))` gives the target `[https://x](https://x)`: keep the inner URL.
fn repair_link_target(dest: &str) -> (String, bool) {
    let dest = dest.trim();
    if let Some((_, inner)) = dest.rsplit_once("](") {
        let inner = inner.trim_end_matches(')').trim();
        return (inner.to_string(), true);
    }
    if dest.starts_with('[') || dest.ends_with(']') {
        return (dest.trim_matches(['[', ']']).to_string(), true);
    }
    (dest.to_string(), false)
}

fn link_role(label: &str) -> Option<LinkRole> {
    let label = label.trim().to_lowercase();
    let label = label.trim_matches(|c: char| !c.is_alphanumeric());
    match label {
        "paper" | "pdf" | "arxiv" | "abs" | "abstract" | "openreview" | "acl" | "doi" | "link"
        | "article" | "proceedings" | "paper link" | "camera ready" | "publication" => {
            Some(LinkRole::Paper)
        }
        _ if label.contains("code") || label.contains("github") || label == "repo" => {
            Some(LinkRole::Code)
        }
        _ if label.starts_with("paper") || label.starts_with("pdf") => Some(LinkRole::Paper),
        _ => None,
    }
}

#[derive(Debug)]
struct Heading {
    /// The written level, or one deeper than the task heading a year heading nests under.
    depth: usize,
    text: String,
    year: Option<i32>,
}

/// The headings in force at the current point of the file.
#[derive(Debug, Default)]
struct HeadingStack {
    stack: Vec<Heading>,
    /// Headings seen so far in the file.
    count: usize,
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
    fn push(&mut self, level: HeadingLevel, raw: &str) {
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
    fn skipping(&self) -> bool {
        self.skip_level.is_some()
    }

    fn sections(&self) -> Vec<String> {
        self.stack.iter().map(|h| h.text.clone()).collect()
    }

    fn innermost_year(&self) -> Option<i32> {
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
    let key = super::mechanisms::label_key(text);
    NAMES.contains(&key.as_str())
}

fn is_contents(text: &str) -> bool {
    let key = super::mechanisms::label_key(text);
    key == "contents" || key == "table of contents" || key == "toc"
}

/// Byte offset to 1-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Lines end with `\n`, `\r\n` or a lone `\r` (old Mac files), as CommonMark says.
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        Self { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }
}

/// Parses one file. `file` and `domain` are copied into each entry and warning.
pub fn parse_file(file: &str, domain: &str, text: &str) -> ParsedFile {
    let lines = LineIndex::new(text);
    let mut parsed = ParsedFile::default();
    let mut headings = HeadingStack::default();
    let mut heading_text: Option<(HeadingLevel, String)> = None;
    let mut items: Vec<ItemState> = Vec::new();
    // Ordered lists number their items; `None` for bullet lists.
    let mut lists: Vec<Option<u64>> = Vec::new();

    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        if let Some((_, buf)) = heading_text.as_mut() {
            match &event {
                Event::Text(t) | Event::Code(t) => {
                    buf.push_str(t);
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => {}
                _ => continue,
            }
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading_text = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, raw)) = heading_text.take() {
                    headings.push(level, &raw);
                }
            }
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            // A paragraph outside any list or table: an entry whose `- ` was forgotten is
            // reported, never read as prose silently.
            Event::Start(Tag::Paragraph) if items.is_empty() => {
                let mut item = ItemState::new(range.start, None, &headings);
                item.loose_paragraph = true;
                items.push(item);
            }
            Event::End(TagEnd::Paragraph)
                if items.len() == 1 && items.last().is_some_and(|i| i.loose_paragraph) =>
            {
                if let Some(item) = items.pop() {
                    warn_loose_entry(&item, file, &lines, &mut parsed.warnings);
                }
            }
            Event::Start(Tag::Item) => {
                let ordinal = match lists.last_mut() {
                    Some(Some(next)) => {
                        let current = *next;
                        *next = next.saturating_add(1);
                        Some(current)
                    }
                    _ => None,
                };
                items.push(ItemState::new(range.start, ordinal, &headings));
            }
            Event::End(TagEnd::Item) => {
                if let Some(item) = items.pop() {
                    finish_item(item, file, domain, &lines, &mut parsed);
                }
            }
            // A row of a table is read like a list item (the first cell holds the title).
            Event::Start(Tag::TableRow) => {
                let mut item = ItemState::new(range.start, None, &headings);
                item.table_row = true;
                items.push(item);
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(item) = items.pop() {
                    finish_item(item, file, domain, &lines, &mut parsed);
                }
            }
            other => {
                if let Some(item) = items.last_mut() {
                    item_event(item, other, text, range, file, &lines, &mut parsed.warnings);
                }
            }
        }
    }
    // An item is finished when it closes, so an entry nested in another one's item is finished
    // first: put everything back in file order (stable, so one line keeps its order).
    parsed.entries.sort_by_key(|entry| entry.line);
    parsed.warnings.sort_by_key(|warning| warning.line);
    parsed
}

fn item_event(
    item: &mut ItemState,
    event: Event<'_>,
    source: &str,
    range: std::ops::Range<usize>,
    file: &str,
    lines: &LineIndex,
    warnings: &mut Vec<Warning>,
) {
    match event {
        Event::Start(Tag::Strong) => {
            item.flat_push("**");
            item.start_content(true);
            if item.phase == Phase::Title {
                item.strong_depth += 1;
            }
        }
        Event::End(TagEnd::Strong) => {
            item.flat_push("**");
            if item.phase == Phase::Title {
                item.strong_depth = item.strong_depth.saturating_sub(1);
                if item.strong_depth == 0 {
                    item.phase = Phase::AfterTitle;
                }
            }
        }
        Event::Start(Tag::TableCell) => item.flat_push("\t"),
        Event::Start(Tag::Emphasis) => {
            item.start_content(false);
            item.end_venue();
            if item.phase != Phase::Title && item.authors.is_none() && item.open_links.is_empty() {
                item.emphasis_depth += 1;
            }
        }
        Event::End(TagEnd::Emphasis) if item.emphasis_depth > 0 => {
            item.emphasis_depth -= 1;
            if item.emphasis_depth == 0 {
                item.authors = Some(std::mem::take(&mut item.emphasis_text));
            }
        }
        Event::Start(Tag::Link { dest_url, .. }) => item.open_link(&dest_url),
        Event::End(TagEnd::Link) => item.close_link(),
        Event::Start(Tag::Image { dest_url, .. }) => {
            item.image(&dest_url);
            item.image_depth += 1;
        }
        Event::End(TagEnd::Image) => item.image_depth = item.image_depth.saturating_sub(1),
        Event::Start(Tag::CodeBlock(kind)) => {
            item.code_depth += 1;
            if let CodeBlockKind::Fenced(_) = kind {
                if !fence_is_closed(&source[range.clone()]) {
                    warnings.push(Warning {
                        file: file.to_string(),
                        line: Some(lines.line(range.start)),
                        message: "code block (BibTeX) is never closed with ```; read up to the end of the entry".into(),
                    });
                }
            }
        }
        Event::End(TagEnd::CodeBlock) => {
            item.code_depth = item.code_depth.saturating_sub(1);
            item.bibtex.push('\n');
        }
        Event::Text(text) | Event::Code(text) => item.text(&text),
        Event::SoftBreak | Event::HardBreak => item.line_break(),
        Event::InlineHtml(html) | Event::Html(html) => item.html(&html),
        Event::End(TagEnd::Paragraph) => {
            item.flat_push("\n");
            item.end_venue();
            if item.code_depth == 0 {
                item.text.push('\n');
            }
        }
        _ => {}
    }
}

/// A fenced block's source ends with a fence line when it was closed.
fn fence_is_closed(block: &str) -> bool {
    let mut lines = block.trim_end().lines();
    let Some(opening) = lines.next() else {
        return true;
    };
    let fence_char = if opening.trim_start().starts_with('~') {
        '~'
    } else {
        '`'
    };
    lines.last().is_some_and(|last| {
        last.trim().starts_with(fence_char) && last.trim().chars().all(|c| c == fence_char)
    })
}

/// A paragraph outside any list that reads like an entry of another format (one line, a title, a
/// venue with a year and a paper link: `Title <br> NeurIPS 2023 [[Paper]](url)` without its
/// bullet) is a warning; prose that links a paper ("cite our [paper](url)") is not.
fn warn_loose_entry(item: &ItemState, file: &str, lines: &LineIndex, warnings: &mut Vec<Warning>) {
    // Prose runs over several lines; an entry is a line or two (title, then venue and links).
    if item.skipped || item.flat.trim().matches('\n').count() > 2 {
        return;
    }
    let formats::Reading::Entry(other) =
        formats::read(&item.flat, &item.flat_links, false, item.badges.len())
    else {
        return;
    };
    if other.year.is_none() || !item.flat_links.iter().any(|l| l.paper_role) {
        return;
    }
    warnings.push(Warning {
        file: file.to_string(),
        line: Some(lines.line(item.start)),
        message: format!(
            "{:?} looks like an entry but is not a list item; not read (start the line with `- `)",
            other.title
        ),
    });
}

fn finish_item(
    item: ItemState,
    file: &str,
    domain: &str,
    lines: &LineIndex,
    parsed: &mut ParsedFile,
) {
    let line = lines.line(item.start);
    let warn = |parsed: &mut ParsedFile, message: String| {
        parsed.warnings.push(Warning {
            file: file.to_string(),
            line: Some(line),
            message,
        })
    };
    if item.skipped {
        return;
    }
    let raw_text = item.text.trim_start().to_string();
    // An item of another format, read by `formats`.
    let mut other: Option<formats::Other> = None;
    let (title_text, venue_text, broken) = match item.phase {
        Phase::AfterTitle | Phase::Title => (item.title.clone(), item.venue.clone(), false),
        _ if raw_text.starts_with("**") || raw_text.starts_with("__") => {
            let (title, venue) = split_broken_title(&raw_text);
            (title, venue, true)
        }
        _ => match formats::read(
            &item.flat,
            &item.flat_links,
            item.table_row,
            item.badges.len(),
        ) {
            formats::Reading::Entry(read) => {
                let title = read.title.clone();
                other = Some(read);
                (title, String::new(), false)
            }
            formats::Reading::NotEntry => return,
            formats::Reading::Unreadable(why) => {
                warn(parsed, why);
                return;
            }
        },
    };
    let (number_written, title) = match NUMBERED_TITLE.captures(&title_text) {
        Some(caps) => {
            let number = caps.get(1).and_then(|m| m.as_str().parse::<u32>().ok());
            let rest = caps.get(0).map_or(0, |m| m.end());
            (number, title_text[rest..].to_string())
        }
        None => (None, title_text),
    };
    let mut title = collapse_spaces(&title)
        .trim_end_matches([',', ';', ':'])
        .trim()
        .to_string();
    let mut venue_text = venue_text;
    // `**[1] Title, CVPR 2023**`: the venue written inside the bold.
    if other.is_none() && parse_venue(&venue_text) == (None, None) {
        if let Some((inner_title, inner_venue)) = title.rsplit_once(", ") {
            if matches!(parse_venue(inner_venue), (Some(_), Some(_))) {
                venue_text = inner_venue.to_string();
                title = inner_title.trim().to_string();
            }
        }
    }
    let title_link = match &other {
        Some(other) => other.title_link.clone(),
        None => item.title_link.clone(),
    };
    let mut paper = item.paper.clone().or(title_link);
    if paper.is_none() {
        paper = item
            .other_links
            .iter()
            .find(|url| looks_like_paper(url))
            .cloned();
    }
    let mut bare_url_used = false;
    if paper.is_none() {
        paper = BARE_URL
            .find_iter(&item.text)
            .map(|m| m.as_str().trim_end_matches(['.', ',', ';']).to_string())
            .find(|url| looks_like_paper(url));
        bare_url_used = paper.is_some();
    }
    let is_entry = number_written.is_some() || !item.badges.is_empty() || paper.is_some();
    if !is_entry || (broken && number_written.is_none() && item.badges.is_empty()) {
        return;
    }
    if title.is_empty() {
        warn(parsed, "entry has an empty title; skipped".into());
        return;
    }
    if broken {
        warn(
            parsed,
            format!("entry's bold title is not closed with `**`; kept with the title {title:?}"),
        );
    }
    if bare_url_used {
        warn(
            parsed,
            "entry's paper link is not valid Markdown (`[[Paper](URL)]` expected); used the bare URL".into(),
        );
    }
    let (mut venue, mut venue_year) = match &other {
        Some(other) => (other.venue.clone(), other.year),
        None => parse_venue(&venue_text),
    };
    let mut badges = item.badges;
    // `Conference-NeurIPS'23-blue`: a venue badge, not a method's abbreviation.
    if let Some(at) = badges.iter().position(|b| venue_badge(&b.label).is_some()) {
        let (badge_venue, badge_year) = venue_badge(&badges[at].label).unwrap_or_default();
        if venue.is_none() {
            venue = badge_venue;
            venue_year = venue_year.or(badge_year);
        }
        badges.remove(at);
    }
    let bibtex = ids::bibtex_facts(&item.bibtex);
    let ids = ids::external_ids(paper.as_deref(), &bibtex);
    let year = venue_year.or(item.year_heading).or(bibtex.year);
    let authors = other
        .and_then(|o| o.authors)
        .or(item.authors)
        .as_deref()
        .map(split_authors)
        .unwrap_or_default();
    parsed.entries.push(RawEntry {
        file: file.to_string(),
        domain: domain.to_string(),
        line,
        number: number_written.or_else(|| item.ordinal.and_then(|n| u32::try_from(n).ok())),
        number_written: number_written.is_some(),
        heading_index: item.heading_index,
        sections: item.sections,
        title,
        venue,
        year,
        authors,
        links: Links {
            paper,
            code: item.code,
        },
        badges,
        ids,
        bibtex: bibtex_block(&item.bibtex),
        malformed_links: item.malformed_links,
        // An unclosed link whose URL was used as the paper link is already a reading warning.
        unclosed_links: if bare_url_used {
            Vec::new()
        } else {
            unclosed_links(&item.text)
        },
    });
}

/// The URLs that follow `](` in an entry's plain text: links Markdown did not read (a parsed
/// link leaves only its label in the text), such as `[[Paper](https://arxiv.org/abs/2304.xxxx`
/// with no closing parenthesis.
fn unclosed_links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(at, _)| BARE_URL.find(&text[at + 2..]).filter(|m| m.start() == 0))
        .map(|m| m.as_str().to_string())
        .collect()
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

/// The venue of a venue badge (`Conference-NeurIPS'23-blue` reads `Conference NeurIPS'23`):
/// `None` for other badges.
fn venue_badge(label: &str) -> Option<(Option<String>, Option<i32>)> {
    let (kind, rest) = label.split_once(' ')?;
    let kind = kind.to_ascii_lowercase();
    if !matches!(
        kind.as_str(),
        "conference" | "venue" | "journal" | "workshop"
    ) {
        return None;
    }
    let (venue, year) = formats::parse_tag(rest);
    let venue = match kind.as_str() {
        "workshop" => venue.map(|v| format!("{v} Workshop")),
        _ => venue,
    };
    Some((venue, year))
}

/// The BibTeX block of an entry, trimmed, when it starts with an `@type{` entry; the reader of
/// `references.bib` gets the list's own entry rather than one rebuilt from Semantic Scholar.
fn bibtex_block(raw: &str) -> Option<String> {
    let text = raw.trim();
    let starts_entry = text.starts_with('@') && text.contains('{');
    starts_entry.then(|| text.to_string())
}

/// `**[3] Title, Venue 2024` with the closing `**` missing: the title runs to the closing `**` if
/// one comes later on the line, else to the last comma.
fn split_broken_title(raw: &str) -> (String, String) {
    let first_line = raw.lines().next().unwrap_or_default();
    let body = first_line.trim_start_matches(['*', '_']);
    if let Some((title, rest)) = body.split_once("**") {
        return (title.to_string(), rest.to_string());
    }
    match body.rsplit_once(", ") {
        Some((title, venue)) if YEAR.is_match(venue) => (title.to_string(), venue.to_string()),
        _ => (body.to_string(), String::new()),
    }
}

/// The italic authors line, in either style the lists use: BibTeX (`Bolya, Daniel and Hoffman,
/// Judy.`) or plain (`Daniel Bolya, Judy Hoffman`). Names come out as `First Last`; `others` and
/// `et al.` are dropped.
pub fn split_authors(raw: &str) -> Vec<String> {
    let text = collapse_spaces(raw);
    let text = text.trim().trim_end_matches('.').trim();
    let text = text
        .strip_suffix("et al")
        .or_else(|| text.strip_suffix("et al."))
        .unwrap_or(text)
        .trim()
        .trim_end_matches(',');
    let parts: Vec<&str> = AND_SEPARATOR
        .split(text)
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("others"))
        .collect();
    // BibTeX style when most `and`-separated parts are `Last, First`; a part that is not (a typo
    // such as `Liu, Tingwen an Wang, Shuohuan`) is kept as written rather than guessed at.
    let last_first = parts.iter().filter(|p| p.matches(',').count() == 1).count();
    let bibtex_style = parts.len() > 1 && last_first * 2 > parts.len();
    let names: Vec<String> = if bibtex_style {
        parts
            .iter()
            .map(|p| match p.matches(',').count() {
                1 => reorder_last_first(p),
                _ => p.to_string(),
            })
            .collect()
    } else {
        let pieces: Vec<&str> = parts
            .iter()
            .flat_map(|p| p.split(','))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        match pieces.as_slice() {
            // "Zhu, Wentao" is one author written last name first.
            [last, first] if parts.len() == 1 && !last.contains(' ') => {
                vec![format!("{first} {last}")]
            }
            _ => pieces.iter().map(|p| p.to_string()).collect(),
        }
    };
    names
        .into_iter()
        .map(|n| {
            n.trim_matches(|c: char| c == '.' || c == ',' || c.is_whitespace())
                .to_string()
        })
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("others"))
        .collect()
}

fn reorder_last_first(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => name.replace(',', "").trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedFile {
        parse_file("Vision Domain/Test.md", "Vision Domain", text)
    }

    const VISION_ENTRY: &str = "### Image Recognition\n### 2021\n- **[1] DynamicViT: Efficient Vision Transformers**, NeurIPS 2021.\n  \n  *Rao, Yongming and Zhao, Wenliang and others.*\n\n  [[Paper](https://arxiv.org/abs/2106.02034)] [[Code](https://github.com/raoyongming/DynamicViT)] ![](https://img.shields.io/badge/DynamicViT-blue) ![](https://img.shields.io/badge/Image_Recognition-green) ![](https://img.shields.io/badge/Training_Based-brown) ![](https://img.shields.io/badge/Token_Pruning-orange)\n\n  <details> <summary>BibTex</summary>\n\n  ```text\n  @inproceedings{Rao2021:DynamicViT,\n    title={DynamicViT},\n    year={2021}\n  }\n  ```\n  </details>\n";

    /// The real catalogue's entries that end their lines with `<br>` (Other Domain/Generation.md,
    /// `- **[3] Token Merging: Your ViT But Faster**, ICLR 2023<br>`): the tag is a line break, never
    /// part of the venue, title or authors. (The trial's "ICLR 2023<br>" came from the records'
    /// venue, cleaned where the graph reads it.)
    #[test]
    fn real_catalogue_lines_ending_in_br_keep_no_markup() {
        let shared = std::env::var_os("CITEGRAPH_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
        let path = shared.join("catalog/Other Domain/Generation.md");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the real catalogue at {}: {e}", path.display()));
        let lines: Vec<&str> = text.lines().collect();
        let parsed = parse_file("Other Domain/Generation.md", "Other Domain", &text);
        let with_br: Vec<&RawEntry> = parsed
            .entries
            .iter()
            .filter(|e| lines[e.line - 1].contains("<br>"))
            .collect();
        assert!(with_br.len() >= 5, "{} entries with <br>", with_br.len());
        for entry in &with_br {
            let fields = [
                entry.title.as_str(),
                entry.venue.as_deref().unwrap_or(""),
                &entry.authors.join(", "),
            ];
            for field in fields {
                assert!(!field.contains('<') && !field.contains('>'), "{field:?}");
            }
        }
        let tome = with_br
            .iter()
            .find(|e| e.title == "Token Merging: Your ViT But Faster")
            .expect("ToMe is in Generation.md");
        assert_eq!(
            lines[tome.line - 1].trim_end(),
            "- **[3] Token Merging: Your ViT But Faster**, ICLR 2023<br>"
        );
        assert_eq!(
            (tome.venue.as_deref(), tome.year),
            (Some("ICLR"), Some(2023))
        );
        assert_eq!(
            tome.authors.first().map(String::as_str),
            Some("Daniel Bolya")
        );
    }

    #[test]
    fn reads_a_vision_style_entry() {
        let parsed = parse(VISION_ENTRY);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let [entry] = parsed.entries.as_slice() else {
            panic!("{:?}", parsed.entries)
        };
        assert_eq!(entry.title, "DynamicViT: Efficient Vision Transformers");
        assert_eq!(entry.number, Some(1));
        assert!(entry.number_written);
        assert_eq!(entry.line, 3);
        assert_eq!(entry.venue.as_deref(), Some("NeurIPS"));
        assert_eq!(entry.year, Some(2021));
        assert_eq!(entry.authors, vec!["Yongming Rao", "Wenliang Zhao"]);
        assert_eq!(entry.sections, vec!["Image Recognition", "2021"]);
        assert_eq!(
            entry.links.paper.as_deref(),
            Some("https://arxiv.org/abs/2106.02034")
        );
        assert_eq!(
            entry.links.code.as_deref(),
            Some("https://github.com/raoyongming/DynamicViT")
        );
        assert_eq!(entry.ids.arxiv.as_deref(), Some("2106.02034"));
        assert_eq!(entry.ids.bibtex_key.as_deref(), Some("Rao2021:DynamicViT"));
        let labels: Vec<&str> = entry.badges.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "DynamicViT",
                "Image Recognition",
                "Training Based",
                "Token Pruning"
            ]
        );
    }

    #[test]
    fn reads_a_language_style_entry_with_hard_breaks() {
        let text = "# Token Compression in Language Domain\n\n## 2017\n\n- **[2] Learning to skim text**, ACL 2017  \n  *Yu, Adams Wei and Lee, Hongrae and Le, Quoc V*  \n  [[Paper](https://arxiv.org/pdf/1704.06877)] ![LSTM--Jump](https://img.shields.io/badge/LSTM--Jump-blue) ![Training--based](https://img.shields.io/badge/Training--based-brown)  \n  <details> <summary>BibTex</summary>\n\n  ```text\n  @inproceedings{yu2017learning,\n    title={Learning to Skim Text},\n    year={2017}\n  }\n  ```\n  </details>  \n";
        let parsed = parse(text);
        let [entry] = parsed.entries.as_slice() else {
            panic!("{:?}", parsed.entries)
        };
        assert_eq!(entry.title, "Learning to skim text");
        assert_eq!(entry.venue.as_deref(), Some("ACL"));
        assert_eq!(entry.year, Some(2017));
        assert_eq!(
            entry.authors,
            vec!["Adams Wei Yu", "Hongrae Lee", "Quoc V Le"]
        );
        assert_eq!(
            entry.sections,
            vec!["2017"],
            "the document title is not a section"
        );
        assert_eq!(entry.badges[0].label, "LSTM-Jump");
        assert_eq!(entry.ids.arxiv.as_deref(), Some("1704.06877"));
    }

    #[test]
    fn reads_br_separated_entries_with_inline_html() {
        let text = "### Speech:\n\n## 2023\n\n- **[1] F<sup>3</sup>-Pruning: Audio** , arxiv 2023<br>\n  *Krishna C. Puvvada, Nithin Rao Koluguri, and Boris Ginsburg*<br>\n  [[Paper](https://doi.org/10.48550/arXiv.2408.16532)] ![A](https://img.shields.io/badge/Low_Bitrate-orange)\n";
        let parsed = parse(text);
        let [entry] = parsed.entries.as_slice() else {
            panic!("{:?}", parsed.entries)
        };
        assert_eq!(entry.title, "F3-Pruning: Audio");
        assert_eq!(entry.venue.as_deref(), Some("arxiv"));
        assert_eq!(entry.year, Some(2023));
        assert_eq!(
            entry.authors,
            vec![
                "Krishna C. Puvvada",
                "Nithin Rao Koluguri",
                "Boris Ginsburg"
            ]
        );
        assert_eq!(entry.sections, vec!["Speech", "2023"]);
        assert_eq!(entry.ids.arxiv.as_deref(), Some("2408.16532"));
    }

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
    fn year_falls_back_to_heading_then_bibtex() {
        let text = "## 2022\n\n- **[1] A**, Workshop.\n  [[Paper](https://arxiv.org/abs/2201.00001)]\n- **[2] B**, Workshop.\n  [[Paper](https://arxiv.org/abs/2201.00002)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries[0].year, Some(2022));
        assert_eq!(parsed.entries[0].venue.as_deref(), Some("Workshop"));
        let text = "- **[1] A**, Workshop.\n  [[Paper](https://x.org/a.pdf)]\n\n  ```\n  @article{a, year = {2019}}\n  ```\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries[0].year, Some(2019));
    }

    #[test]
    fn non_entries_are_not_read() {
        let text = "- [Vision Domain](https://github.com/x/y/tree/main/Vision)\n  - [Understanding](Understanding.md)\n\n* **`2024/12/24`** We release a repo \"[Awesome](https://github.com/x/y)\"!\n\n![](https://img.shields.io/badge/Compression_Mechanism-orange)\n";
        let parsed = parse(text);
        assert!(parsed.entries.is_empty(), "{:?}", parsed.entries);
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn repairs_nested_link_targets() {
        let text = "- **[5] Token Merging: Your ViT But Faster**, ICLR 2023.\n\n  [[Paper](https://arxiv.org/abs/2210.09461)] [[Code]([https://github.com/facebookresearch/ToMe](https://github.com/facebookresearch/ToMe))] [Code]\n";
        let parsed = parse(text);
        let entry = &parsed.entries[0];
        assert_eq!(
            entry.links.code.as_deref(),
            Some("https://github.com/facebookresearch/ToMe")
        );
        assert_eq!(entry.malformed_links.len(), 1);
    }

    #[test]
    fn broken_bold_title_is_kept_with_a_warning() {
        let text = "- **[3] Broken title, arXiv 2024\n  [[Paper](https://arxiv.org/abs/2309.10922] ![](https://img.shields.io/badge/Token_Pruning-orange)\n- **[4] Fine**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2309.10923)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries.len(), 2, "{:?}", parsed.entries);
        let broken = &parsed.entries[0];
        assert_eq!(broken.title, "Broken title");
        assert_eq!(broken.number, Some(3));
        assert_eq!(broken.year, Some(2024));
        assert_eq!(broken.ids.arxiv.as_deref(), Some("2309.10922"));
        assert_eq!(parsed.warnings.len(), 2, "{:?}", parsed.warnings);
        assert!(parsed.warnings.iter().all(|w| w.line == Some(1)));
        assert!(parsed.warnings[0].message.contains("not closed"));
        assert!(parsed.warnings[1].message.contains("bare URL"));
    }

    #[test]
    fn unclosed_code_fence_is_a_warning() {
        let text = "- **[1] A**, CVPR 2018.\n\n  [[Paper](https://x.org/a.pdf)]\n\n  ```text\n  @inproceedings{a,\n    year={2018}\n  }\n  </details>\n\n### 2019\n- **[1] B**, ICCV 2019.\n\n  [[Paper](https://x.org/b.pdf)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].ids.bibtex_key.as_deref(), Some("a"));
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings[0].line, Some(5));
    }

    #[test]
    fn html_links_and_images_are_read() {
        let text = "- **[1] A**, arXiv 2024. <a href=\"https://arxiv.org/abs/2401.00001\">Paper</a> <a href='https://github.com/a/b'>Code</a> <img src=\"https://img.shields.io/badge/Merging-orange\">\n";
        let parsed = parse(text);
        let entry = &parsed.entries[0];
        assert_eq!(entry.venue.as_deref(), Some("arXiv"));
        assert_eq!(
            entry.links.paper.as_deref(),
            Some("https://arxiv.org/abs/2401.00001")
        );
        assert_eq!(entry.links.code.as_deref(), Some("https://github.com/a/b"));
        assert_eq!(entry.badges[0].label, "Merging");
    }

    #[test]
    fn ordered_lists_and_linked_titles() {
        let text = "3. **[Linked Title](https://openreview.net/forum?id=abc)**, ICLR 2024. ![](https://img.shields.io/badge/X-blue)\n4. **Other**, ICLR 2024. [PDF](https://example.org/p.pdf)\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].number, Some(3));
        assert!(!parsed.entries[0].number_written);
        assert_eq!(parsed.entries[0].title, "Linked Title");
        assert_eq!(parsed.entries[0].ids.openreview.as_deref(), Some("abc"));
        assert_eq!(parsed.entries[1].number, Some(4));
        assert_eq!(
            parsed.entries[1].links.paper.as_deref(),
            Some("https://example.org/p.pdf")
        );
    }

    #[test]
    fn family_variants_of_bullets_links_and_venues() {
        let text = "* **[1] Star Bullet Title,** CVPR 2023.\n  [Paper](https://arxiv.org/abs/2301.00001) [arXiv][ref] ![Token_Merging][badge]\n\n+ **[2] Venue Inside the Bold, ICCV 2023**\n\t[[pdf](https://example.org/x.pdf)] [[GitHub](https://github.com/a/b)]\n\n[ref]: https://arxiv.org/abs/2301.00002\n[badge]: https://img.shields.io/badge/Token_Merging-orange\n";
        let parsed = parse(text);
        let [first, second] = parsed.entries.as_slice() else {
            panic!("{:?}", parsed.entries)
        };
        assert_eq!(first.title, "Star Bullet Title");
        assert_eq!(
            (first.venue.as_deref(), first.year),
            (Some("CVPR"), Some(2023))
        );
        assert_eq!(
            first.links.paper.as_deref(),
            Some("https://arxiv.org/abs/2301.00001")
        );
        assert_eq!(first.badges[0].label, "Token Merging");
        assert_eq!(second.title, "Venue Inside the Bold");
        assert_eq!(
            (second.venue.as_deref(), second.year),
            (Some("ICCV"), Some(2023))
        );
        assert_eq!(
            second.links.paper.as_deref(),
            Some("https://example.org/x.pdf")
        );
        assert_eq!(second.links.code.as_deref(), Some("https://github.com/a/b"));
    }

    #[test]
    fn titles_keep_brackets_and_dollars() {
        let text = "- **[26] [CLS] Attention $ L_2 $ Norm**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2412.01818)]\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries[0].title, "[CLS] Attention $ L_2 $ Norm");
        assert_eq!(parsed.entries[0].number, Some(26));
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

    #[test]
    fn venue_on_the_links_line_stops_before_the_links() {
        let parsed = parse("- **[1] DynamicViT**, NeurIPS 2021. [[Paper](https://arxiv.org/abs/2106.02034)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n");
        assert_eq!(parsed.entries[0].venue.as_deref(), Some("NeurIPS"));
        assert_eq!(parsed.entries[0].year, Some(2021));
    }

    #[test]
    fn an_entry_without_its_bullet_is_a_warning_and_prose_is_not() {
        let text = "## Papers\n\nFast Tokens for Everyone <br> ICML 2024 [[Paper]](https://arxiv.org/abs/2402.00001)\n\nIf you use this list, please cite our [paper](https://arxiv.org/abs/2402.00002).\n\nSee the [PDF](https://example.org/x.pdf) of the\nsurvey, out in 2024,\nfor more\nand more.\n";
        let parsed = parse(text);
        assert!(parsed.entries.is_empty(), "{:?}", parsed.entries);
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings[0].line, Some(3));
        assert!(parsed.warnings[0]
            .message
            .contains("\"Fast Tokens for Everyone\" looks like an entry"));
    }

    #[test]
    fn venues() {
        assert_eq!(
            parse_venue(", NeurIPS 2021."),
            (Some("NeurIPS".into()), Some(2021))
        );
        assert_eq!(
            parse_venue(",  ICML  2021  "),
            (Some("ICML".into()), Some(2021))
        );
        assert_eq!(
            parse_venue(", Findings of EMNLP 2024."),
            (Some("Findings of EMNLP".into()), Some(2024))
        );
        assert_eq!(
            parse_venue(" Interspeech 2024"),
            (Some("Interspeech".into()), Some(2024))
        );
        assert_eq!(
            parse_venue(", OpenReview."),
            (Some("OpenReview".into()), None)
        );
        assert_eq!(parse_venue(""), (None, None));
        assert_eq!(
            parse_venue(", NeurIPS 2021. ["),
            (Some("NeurIPS".into()), Some(2021))
        );
        assert_eq!(parse_venue(", 2023"), (None, Some(2023)));
    }

    #[test]
    fn authors_in_both_styles() {
        assert_eq!(
            split_authors("Bolya, Daniel and Hoffman, Judy."),
            ["Daniel Bolya", "Judy Hoffman"]
        );
        assert_eq!(split_authors("Zhu, Wentao."), ["Wentao Zhu"]);
        assert_eq!(
            split_authors("Singh, Manish Kumar et al."),
            ["Manish Kumar Singh"]
        );
        assert_eq!(
            split_authors("Adria Recasens, Petr Kellnhofer, and Antonio Torralba."),
            ["Adria Recasens", "Petr Kellnhofer", "Antonio Torralba"]
        );
        assert_eq!(
            split_authors("Jinming Lou and Wenyang Luo and Yufan Liu."),
            ["Jinming Lou", "Wenyang Luo", "Yufan Liu"]
        );
        assert_eq!(
            split_authors("Jiang, Huiqiang  and Wu, Qianhui  and others"),
            ["Huiqiang Jiang", "Qianhui Wu"]
        );
        assert_eq!(
            split_authors("Daniel Bolya, Cheng-Yang Fu"),
            ["Daniel Bolya", "Cheng-Yang Fu"]
        );
        assert_eq!(
            split_authors("Zhang, Zhenyu  and Liu, Tingwen  an Wang, Shuohuan  and  Sun, Yu"),
            ["Zhenyu Zhang", "Liu, Tingwen an Wang, Shuohuan", "Yu Sun"]
        );
        assert!(split_authors("").is_empty());
        assert!(split_authors(" , and , ").is_empty());
    }
}
