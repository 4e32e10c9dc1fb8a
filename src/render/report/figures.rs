//! The report's figures: each figure inline (SVG through [`escape::inline_svg`], else a PNG
//! `data:` URI, else a link to its PDF) with its caption and links to its files.

use std::fmt::Write as _;

use anyhow::Result;

use crate::render::charts::Figure;
use crate::render::escape;

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
            "<figure id=\"fig-{}\">\n{picture}\n<figcaption><b>Figure {}. {}.</b> {}{files}</figcaption>\n</figure>",
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
        format!(
            " <span class=\"figure-files\">Files: {}.</span>",
            links.join(" &middot; ")
        )
    }
}
