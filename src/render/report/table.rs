//! The report's table and cell helpers: a table from columns and already-escaped cells, and the
//! cells every section writes (numbers, shares, meters, paper lists).

use std::fmt::Write as _;

use crate::render::{escape, labels};

/// One table column: its heading and whether it holds numbers (right-aligned).
pub(super) struct Column {
    title: &'static str,
    numeric: bool,
}

/// A text column (left-aligned).
pub(super) const fn text(title: &'static str) -> Column {
    Column {
        title,
        numeric: false,
    }
}

/// A numeric column (right-aligned).
pub(super) const fn num(title: &'static str) -> Column {
    Column {
        title,
        numeric: true,
    }
}

/// A table; `rows` hold already-escaped HTML cells.
pub(super) fn table(columns: &[Column], rows: &[Vec<String>], class: &str) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">Nothing to report.</p>\n".to_string();
    }
    // In a scrolling box: a wide table scrolls on a narrow screen instead of running off it.
    let mut out = format!("<div class=\"table-scroll\">\n<table class=\"{class}\">\n<thead><tr>");
    for column in columns {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if column.numeric { " class=\"n\"" } else { "" },
            column.title
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (cell, column) in row.iter().zip(columns) {
            let _ = write!(
                out,
                "<td{}>{cell}</td>",
                if column.numeric { " class=\"n\"" } else { "" }
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

/// A share in 0..1 as a whole percentage (`42%`), `n/a` when it is not a number.
pub(super) fn percent(value: f64) -> String {
    if value.is_finite() {
        format!("{:.0}%", value * 100.0)
    } else {
        "n/a".to_string()
    }
}

/// `value` with `digits` decimals, `n/a` when it is not a number.
pub(super) fn fixed(value: f64, digits: usize) -> String {
    if value.is_finite() {
        format!("{value:.digits$}")
    } else {
        "n/a".to_string()
    }
}

/// A value, or an en dash when there is none.
pub(super) fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "&ndash;".to_string(), |v| v.to_string())
}

/// Papers in a table cell, one per line: their names may hold commas, so a comma-joined list
/// would not say where one ends.
pub(super) fn paper_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ => format!(
            "<ul class=\"papers\">{}</ul>",
            items
                .iter()
                .map(|item| format!("<li>{item}</li>"))
                .collect::<String>()
        ),
    }
}

/// A paper cell: the method abbreviation in bold (when the list gives one), then the full title.
pub(super) fn abbreviation_and_title(abbreviation: Option<&str>, title: &str) -> String {
    let title = escape::html(&labels::one_line(&labels::plain_math(title)));
    match abbreviation.map(labels::one_line) {
        Some(abbreviation) if !abbreviation.is_empty() => {
            format!("<b>{}</b> {title}", escape::html(&abbreviation))
        }
        _ => title,
    }
}

/// A small horizontal bar for a share in 0..1, followed by the share in words.
pub(super) fn meter(share: f64, what: &str) -> String {
    let clamped = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!(
        "<span class=\"meter\"><span style=\"width:{:.0}%\"></span></span>{what} {}",
        clamped * 100.0,
        percent(share)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn papers_in_a_cell_stand_one_a_line() {
        let names = vec!["Less is more, again".to_string(), "A, B".to_string()];
        assert_eq!(
            paper_list(&names),
            "<ul class=\"papers\"><li>Less is more, again</li><li>A, B</li></ul>"
        );
        assert_eq!(paper_list(&names[..1]), "Less is more, again");
        assert_eq!(paper_list(&[]), "");
    }
}
