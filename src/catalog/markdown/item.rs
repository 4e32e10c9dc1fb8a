//! The state of one list item (or table row, or loose paragraph) while the walker is inside it:
//! the bold title, the venue text after it, the italic authors, links by role, badges, the BibTeX
//! block, and the flat form handed to [`crate::catalog::formats`]. [`super::walk`] feeds it the
//! item's events; [`super::entry`] turns it into an entry when the item closes.

use crate::catalog::badges::{collapse_spaces, decode_badge, Badge};
use crate::catalog::formats;

use super::headings::HeadingStack;
use super::links::{link_role, repair_link_target, LinkRole};

/// Where the walker is inside an item's first inline content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Nothing but whitespace seen yet.
    Start,
    /// Inside the bold title.
    Title,
    /// After the bold title.
    AfterTitle,
    /// The item did not open with bold text.
    Untitled,
}

/// A link the walker is inside (`[label](dest)` or `<a href=dest>`), until it closes.
#[derive(Debug)]
pub(super) struct OpenLink {
    pub(super) dest: String,
    pub(super) label: String,
    /// An image (a badge) is inside the link.
    pub(super) has_image: bool,
}

/// Everything collected inside one list item.
#[derive(Debug)]
pub(super) struct ItemState {
    /// Byte offset of the item in the file.
    pub(super) start: usize,
    /// The position in an ordered list.
    pub(super) ordinal: Option<u64>,
    pub(super) heading_index: usize,
    pub(super) sections: Vec<String>,
    pub(super) year_heading: Option<i32>,
    pub(super) phase: Phase,
    pub(super) strong_depth: usize,
    pub(super) title: String,
    pub(super) title_link: Option<String>,
    pub(super) venue: String,
    pub(super) venue_done: bool,
    pub(super) authors: Option<String>,
    pub(super) emphasis_depth: usize,
    pub(super) emphasis_text: String,
    pub(super) open_links: Vec<OpenLink>,
    pub(super) paper: Option<String>,
    pub(super) code: Option<String>,
    pub(super) other_links: Vec<String>,
    pub(super) malformed_links: Vec<String>,
    pub(super) image_depth: usize,
    pub(super) badges: Vec<Badge>,
    pub(super) code_depth: usize,
    pub(super) bibtex: String,
    pub(super) text: String,
    /// The item's own content for the other formats ([`formats`]): text outside links,
    /// `**` around bold runs, a [`formats::LINK`] marker per link, a [`formats::IMAGE`] marker per
    /// image, `\n` per line break, `\t` before each table cell.
    pub(super) flat: String,
    /// Every link closed in the item, in order, with its label and role.
    pub(super) flat_links: Vec<formats::FlatLink>,
    /// The item is a table row, not a list item.
    pub(super) table_row: bool,
    /// Not an item: a paragraph outside any list, watched for entries that lost their bullet.
    pub(super) loose_paragraph: bool,
    /// The item sits in a navigation, news or tools section: never an entry.
    pub(super) skipped: bool,
}

impl ItemState {
    pub(super) fn new(start: usize, ordinal: Option<u64>, context: &HeadingStack) -> Self {
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
    pub(super) fn flat_push(&mut self, text: &str) {
        if self.open_links.is_empty() && self.code_depth == 0 && self.image_depth == 0 {
            self.flat.push_str(text);
        }
    }

    pub(super) fn start_content(&mut self, bold: bool) {
        if self.phase == Phase::Start {
            self.phase = if bold { Phase::Title } else { Phase::Untitled };
        }
    }

    pub(super) fn end_venue(&mut self) {
        if self.phase == Phase::AfterTitle {
            self.venue_done = true;
        }
    }

    pub(super) fn text(&mut self, text: &str) {
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

    pub(super) fn line_break(&mut self) {
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

    pub(super) fn open_link(&mut self, dest: &str) {
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

    pub(super) fn close_link(&mut self) {
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

    pub(super) fn image(&mut self, dest: &str) {
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
}
