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
//!
//! The files, in the order a line of Markdown meets them:
//! - `walk.rs`: [`parse_file`], the event walk; routes each event to the headings or the open item.
//! - `headings.rs`: the sections in force, the sections that hold no papers, and
//!   [`domains_from_headings`] for a file at the list's root.
//! - `item.rs`: what one open item has collected (title, venue text, authors, links, badges,
//!   BibTeX, the flat form for the other formats).
//! - `html.rs`: inline HTML in an item (`<br>`, `<a href>`, `<img src>`).
//! - `links.rs`: a link's role by its label, repaired targets, the paper link, unclosed links.
//! - `entry.rs`: a closed item becomes a [`RawEntry`], step by step.
//! - `authors.rs`: the italic authors line, in BibTeX or plain style.
//! - `warnings.rs`: the walker's own reading warnings (an unclosed code fence, an entry without
//!   its bullet).

mod authors;
mod entry;
mod headings;
mod html;
mod item;
mod lines;
mod links;
mod walk;
mod warnings;

use super::badges::Badge;
use super::{ExternalIds, Links, Warning};

pub use headings::domains_from_headings;
pub use walk::parse_file;

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

/// Parses `text` as the file `Vision Domain/Test.md` of the domain `Vision Domain`.
#[cfg(test)]
fn parse_test_file(text: &str) -> ParsedFile {
    parse_file("Vision Domain/Test.md", "Vision Domain", text)
}

#[cfg(test)]
mod tests {
    use super::parse_test_file as parse;

    const VISION_ENTRY: &str = "### Image Recognition\n### 2021\n- **[1] DynamicViT: Efficient Vision Transformers**, NeurIPS 2021.\n  \n  *Rao, Yongming and Zhao, Wenliang and others.*\n\n  [[Paper](https://arxiv.org/abs/2106.02034)] [[Code](https://github.com/raoyongming/DynamicViT)] ![](https://img.shields.io/badge/DynamicViT-blue) ![](https://img.shields.io/badge/Image_Recognition-green) ![](https://img.shields.io/badge/Training_Based-brown) ![](https://img.shields.io/badge/Token_Pruning-orange)\n\n  <details> <summary>BibTex</summary>\n\n  ```text\n  @inproceedings{Rao2021:DynamicViT,\n    title={DynamicViT},\n    year={2021}\n  }\n  ```\n  </details>\n";

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
    fn non_entries_are_not_read() {
        let text = "- [Vision Domain](https://github.com/x/y/tree/main/Vision)\n  - [Understanding](Understanding.md)\n\n* **`2024/12/24`** We release a repo \"[Awesome](https://github.com/x/y)\"!\n\n![](https://img.shields.io/badge/Compression_Mechanism-orange)\n";
        let parsed = parse(text);
        assert!(parsed.entries.is_empty(), "{:?}", parsed.entries);
        assert!(parsed.warnings.is_empty());
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
}
