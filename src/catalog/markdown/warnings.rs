//! Reading warnings the walker raises beside the entries: a fenced (BibTeX) block never closed,
//! and a paragraph that reads like an entry but lost its bullet. The warnings of an entry's own
//! repairs (a broken bold title, a bare paper URL) are raised where the entry is assembled
//! ([`super::entry`]).

use crate::catalog::formats;
use crate::catalog::Warning;

use super::item::ItemState;
use super::lines::LineIndex;

/// The warning for a fenced code block (its source, `block`) that is never closed: the walker
/// reads it as the BibTeX block up to the end of the entry. `None` when it is closed.
pub(super) fn unclosed_fence(block: &str, file: &str, line: usize) -> Option<Warning> {
    (!fence_is_closed(block)).then(|| Warning {
        file: file.to_string(),
        line: Some(line),
        message: "code block (BibTeX) is never closed with ```; read up to the end of the entry"
            .into(),
    })
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
pub(super) fn warn_loose_entry(
    item: &ItemState,
    file: &str,
    lines: &LineIndex,
    warnings: &mut Vec<Warning>,
) {
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

#[cfg(test)]
mod tests {
    use crate::catalog::markdown::parse_test_file as parse;

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
}
