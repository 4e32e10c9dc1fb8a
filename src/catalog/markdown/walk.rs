//! The event walk: pulldown-cmark's events of one file, routed to the headings in force and to
//! the open items (list items, table rows, loose paragraphs). An item is handed to
//! [`super::entry::finish_item`] when it closes.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::catalog::Warning;

use super::entry::finish_item;
use super::headings::HeadingStack;
use super::item::{ItemState, Phase};
use super::lines::LineIndex;
use super::warnings::{unclosed_fence, warn_loose_entry};
use super::ParsedFile;

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
                let block = &source[range.clone()];
                warnings.extend(unclosed_fence(block, file, lines.line(range.start)));
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
