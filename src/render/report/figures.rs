//! The report's figures: each figure inline (SVG through [`escape::inline_svg`], else a PNG
//! `data:` URI, else a link to its PDF) with its caption and links to its files; and those
//! titles and captions read back from a report ([`shown_figures`]) for the figures a partial
//! render keeps.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;

use crate::render::charts::{Figure, FigureWords};
use crate::render::escape;

/// Where a figure's block starts: `<figure id="fig-NAME">`.
const FIGURE_OPEN: &str = "<figure id=\"fig-";
/// Where its caption starts, after the picture: `<figcaption><b>Figure N. TITLE.</b> CAPTION`.
const CAPTION_OPEN: &str = "<figcaption><b>Figure ";
/// What follows the caption when the figure has files: ` <span class="figure-files">`.
const FILES_OPEN: &str = " <span class=\"figure-files\">";

/// The figures section: every figure drawn, numbered in order.
pub(super) fn section(figures: &[Figure]) -> Result<String> {
    if figures.is_empty() {
        return Ok(
            "<p class=\"empty\">No figures were drawn (see <code>--figures</code>).</p>\n".into(),
        );
    }
    let mut out = String::from("<div class=\"figures\">\n");
    for (index, figure) in figures.iter().enumerate() {
        let files = figure_files(figure);
        let picture = if let Some(svg) = &figure.svg {
            escape::inline_svg(svg, &figure.title)
        } else if let Some(png) = &figure.png {
            format!(
                "<img src=\"data:image/png;base64,{}\" alt=\"{}\">",
                escape::base64(png),
                escape::html(&figure.title)
            )
        } else if figure.pdf.is_some() {
            // The CSP forbids <object> and <embed>; a link still opens the PDF in the
            // browser's own viewer.
            format!(
                "<p class=\"figure-pdf\"><a href=\"figures/{0}.pdf\">Open Figure {1} (PDF, <code>figures/{0}.pdf</code>)</a><br>\
                 <span class=\"sub\">Only PDF was asked for (<code>--format pdf</code>), so the figure is not drawn \
                 on this page; add <code>svg</code> or <code>png</code> to <code>--format</code> to see it here.</span></p>",
                figure.name,
                index + 1
            )
        } else {
            "<p class=\"empty\">No file of this figure was written (<code>--format</code> named no figure format).</p>".to_string()
        };
        let _ = writeln!(
            out,
            "{FIGURE_OPEN}{}\">\n{picture}\n{CAPTION_OPEN}{}. {}.</b> {}{files}</figcaption>\n</figure>",
            figure.name,
            index + 1,
            escape::html(figure.title.trim_end_matches('.')),
            escape::html(&figure.caption),
        );
    }
    out.push_str("</div>\n");
    Ok(out)
}

/// Links to the files written for `figure` (`figures/NAME.svg`, `.png`, `.pdf`, those drawn), for
/// a caption: " Files: SVG · PDF." (empty when none was written).
fn figure_files(figure: &Figure) -> String {
    let links: Vec<String> = [
        ("svg", "SVG", figure.svg.is_some()),
        ("png", "PNG", figure.png.is_some()),
        ("pdf", "PDF", figure.pdf.is_some()),
    ]
    .iter()
    .filter(|(_, _, written)| *written)
    .map(|(extension, name, _)| {
        format!("<a href=\"figures/{}.{extension}\">{name}</a>", figure.name)
    })
    .collect();
    if links.is_empty() {
        String::new()
    } else {
        format!("{FILES_OPEN}Files: {}.</span>", links.join(" &middot; "))
    }
}

/// The title and caption of each figure `page` (a report written by [`section`]) shows, by
/// figure name (`papers-per-year`, `evaluation`, ...): the words of the figures a partial render
/// keeps, which the report was written with. The title comes back without its closing full stop,
/// as the report prints it. A block this version would not write (another layout, an entity
/// [`escape::html`] does not write) is left out, so its figure's words are computed again.
pub fn shown_figures(page: &str) -> BTreeMap<String, FigureWords> {
    let mut shown = BTreeMap::new();
    for (start, _) in page.match_indices(FIGURE_OPEN) {
        let block = &page[start + FIGURE_OPEN.len()..];
        if let Some((name, words)) = read_block(block) {
            shown.entry(name.to_string()).or_insert(words);
        }
    }
    shown
}

/// One figure's name and words from its block, read from just after `<figure id="fig-`.
fn read_block(block: &str) -> Option<(&str, FigureWords)> {
    let (name, rest) = block.split_once("\">")?;
    let rest = &rest[rest.find(CAPTION_OPEN)? + CAPTION_OPEN.len()..];
    // "N. TITLE.</b> CAPTION": escaped text holds no `<`, so the first tag ends each part.
    let (number, rest) = rest.split_once(". ")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (title, rest) = rest.split_once(".</b> ")?;
    let caption = &rest[..rest.find('<')?];
    let caption = match rest[caption.len()..].starts_with(FILES_OPEN.trim_start()) {
        true => caption.strip_suffix(' ')?,
        false => caption,
    };
    let words = FigureWords {
        title: unescape(title)?,
        caption: unescape(caption)?,
    };
    Some((name, words))
}

/// The text [`escape::html`] escaped into `text`: its five named entities and decimal character
/// references. `None` when `text` holds a tag or another entity (not a string it wrote).
fn unescape(text: &str) -> Option<String> {
    if text.contains('<') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (entity, after) = rest[at + 1..].split_once(';')?;
        out.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            _ => char::from_u32(entity.strip_prefix('#')?.parse().ok()?)?,
        });
        rest = after;
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(name: &'static str, title: &str, caption: &str, svg: bool) -> Figure {
        Figure {
            name,
            title: title.into(),
            caption: caption.into(),
            svg: svg.then(|| {
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>Figure 9. x</text></svg>".into()
            }),
            png: None,
            pdf: Some(vec![1]),
            kept: false,
        }
    }

    #[test]
    fn the_words_a_section_shows_read_back_as_they_were() {
        let figures = [
            figure(
                "papers-per-year",
                "Papers per year by mechanism",
                "Catalogue papers (12 papers); \"other\" < 3 & > 1, it's 5.\nNext line.",
                true,
            ),
            figure("lineage", "Main path: A & B <C>", "", false),
            figure("rpys", "R. P. Y. S.", "Ends with a stop. Then more.", true),
        ];
        let page = format!("<html>{}</html>", section(&figures).unwrap());
        let shown = shown_figures(&page);
        assert_eq!(shown.len(), 3, "{page}");
        for f in &figures {
            let words = &shown[f.name];
            assert_eq!(words.title, f.title.trim_end_matches('.'));
            assert_eq!(words.caption, f.caption);
        }
    }

    #[test]
    fn a_block_of_another_layout_is_left_out() {
        let page = "<figure id=\"fig-rpys\"><img><figcaption>Figure 1: RPYS</figcaption></figure>\
                    <figure id=\"fig-lineage\"><figcaption><b>Figure 2. Main.</b> A &nbsp; b</figcaption>";
        assert!(shown_figures(page).is_empty());
        assert_eq!(unescape("a &#10; &amp;lt;").as_deref(), Some("a \n &lt;"));
        assert_eq!(unescape("a & b"), None);
    }
}
