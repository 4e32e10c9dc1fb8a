//! Small text helpers for what the tool prints: counted nouns ("1 paper", "2 papers"), and the
//! inline HTML that titles and venues from Semantic Scholar carry (`F<sup>3</sup>-Pruning`,
//! `ICLR 2023<br>`) read as text ([`strip_html`]) or as styled runs ([`inline_html`]); and the
//! LaTeX escapes lists put into verbatim BibTeX fields, removed ([`drop_latex_escapes`]).

/// `text` without the backslash LaTeX puts before `_ % & # $` (`8\_24` -> `8_24`): a DOI or URL
/// written for classic BibTeX's text fields carries them, but a verbatim field (biblatex's `doi`,
/// `url`, `eprint`) prints the backslash and the link breaks. Other backslashes stay.
pub fn drop_latex_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| "_%&#$".contains(*n)) {
            continue;
        }
        out.push(c);
    }
    out
}

/// `count` and the noun, plural unless the count is one: `count(1, "paper")` is `"1 paper"`,
/// `count(0, "paper")` is `"0 papers"`. Nouns whose plural is not `+s` take [`count_as`].
pub fn count(count: usize, noun: &str) -> String {
    count_as(count, noun, &format!("{noun}s"))
}

/// `count` with an explicit plural: `count_as(2, "entry", "entries")` is `"2 entries"`.
pub fn count_as(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

/// A style that inline HTML in a title asks for, as LaTeX can write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineStyle {
    /// `<sup>`
    Superscript,
    /// `<sub>`
    Subscript,
    /// `<i>`, `<em>`
    Emphasis,
    /// `<b>`, `<strong>`
    Bold,
}

/// One piece of a title read by [`inline_html`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InlinePiece {
    /// Text, entities decoded.
    Text(String),
    /// A style starts.
    Open(InlineStyle),
    /// A style ends (not checked against the open ones: the caller keeps its own stack).
    Close(InlineStyle),
    /// `<br>`, `<p>` and the like: a break, as a space in one-line text.
    Break,
}

/// HTML element names that [`inline_html`] reads as markup; any other `<word>` stays text, so a
/// title such as `Prune <fast>` keeps its brackets. Names with a namespace (`<mml:math>`) and the
/// JATS tags Semantic Scholar passes on from publishers are markup too.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "big",
    "bold",
    "br",
    "cite",
    "code",
    "del",
    "div",
    "em",
    "font",
    "hr",
    "i",
    "inline-formula",
    "ins",
    "italic",
    "li",
    "mark",
    "math",
    "mi",
    "mn",
    "mo",
    "mrow",
    "msub",
    "msup",
    "p",
    "q",
    "s",
    "sc",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "tex-math",
    "tt",
    "u",
    "ul",
    "wbr",
];

/// What may follow a tag's name: attributes and an optional `/`.
static ATTRIBUTES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"^(?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?$"#,
    )
    .expect("literal regex, unit-tested")
});

/// Reads `text` as inline HTML: tags of [`HTML_ELEMENTS`] become [`InlinePiece::Open`], `Close`
/// and `Break` (or vanish when they carry no style), the entities `&amp; &lt; &gt; &quot; &apos;
/// &nbsp;` and numeric ones (`&#39;`, `&#x2013;`) are decoded, and everything else is text as
/// written (a lone `&` or `<` included). Total: no input fails.
pub fn inline_html(text: &str) -> Vec<InlinePiece> {
    let mut pieces = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        plain.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('&') {
            match entity(rest) {
                Some((decoded, length)) => {
                    plain.push(decoded);
                    rest = &rest[length..];
                }
                None => {
                    plain.push('&');
                    rest = &rest[1..];
                }
            }
            continue;
        }
        match tag(rest) {
            Some((piece, length)) => {
                if let Some(piece) = piece {
                    if !plain.is_empty() {
                        pieces.push(InlinePiece::Text(std::mem::take(&mut plain)));
                    }
                    pieces.push(piece);
                }
                rest = &rest[length..];
            }
            None => {
                plain.push('<');
                rest = &rest[1..];
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        pieces.push(InlinePiece::Text(plain));
    }
    pieces
}

/// `text` with its inline HTML read as plain text ([`inline_html`]): tags dropped, breaks as
/// spaces, entities decoded, runs of whitespace as one space, ends trimmed.
/// `strip_html("ICLR 2023<br>")` is `"ICLR 2023"`.
pub fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in inline_html(text) {
        match piece {
            InlinePiece::Text(t) => out.push_str(&t),
            InlinePiece::Break => out.push(' '),
            InlinePiece::Open(_) | InlinePiece::Close(_) => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The tag at the start of `text` (which starts with `<`) and its length in bytes; `Some(None)`
/// for a known tag without a style of its own; `None` when it is not a known tag.
fn tag(text: &str) -> Option<(Option<InlinePiece>, usize)> {
    let end = text.find('>')?;
    let inside = &text[1..end];
    if inside.contains('<') {
        return None;
    }
    let (closing, inside) = match inside.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inside),
    };
    let name_end = inside
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .unwrap_or(inside.len());
    let name = inside[..name_end].to_ascii_lowercase();
    let after = &inside[name_end..];
    let known = HTML_ELEMENTS.contains(&name.as_str())
        || (name.contains(':') && name.starts_with(|c: char| c.is_ascii_alphabetic()));
    // `<b>`, `<br/>`, `<a href="...">`: after the name only attributes; `a<b && c>d` is text.
    if !known || !ATTRIBUTES.is_match(after) {
        return None;
    }
    let style = match name.as_str() {
        "sup" => Some(InlineStyle::Superscript),
        "sub" => Some(InlineStyle::Subscript),
        "i" | "em" | "italic" => Some(InlineStyle::Emphasis),
        "b" | "strong" | "bold" => Some(InlineStyle::Bold),
        _ => None,
    };
    let piece = match (style, closing) {
        (Some(style), false) => Some(InlinePiece::Open(style)),
        (Some(style), true) => Some(InlinePiece::Close(style)),
        (None, _) if matches!(name.as_str(), "br" | "p" | "div" | "li" | "hr") => {
            Some(InlinePiece::Break)
        }
        (None, _) => None,
    };
    Some((piece, end + 1))
}

/// The entity at the start of `text` (which starts with `&`): its character and length in bytes.
fn entity(text: &str) -> Option<(char, usize)> {
    let (end, _) = text.char_indices().take(12).find(|&(_, c)| c == ';')?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular() {
        assert_eq!(count(1, "paper"), "1 paper");
        assert_eq!(count(0, "paper"), "0 papers");
        assert_eq!(count(2, "file"), "2 files");
        assert_eq!(count_as(1, "entry", "entries"), "1 entry");
        assert_eq!(count_as(3, "entry", "entries"), "3 entries");
    }

    #[test]
    fn inline_html_reads_styles_entities_and_leaves_other_brackets() {
        use InlinePiece::*;
        assert_eq!(
            inline_html("F<sup>3</sup>-Pruning &amp; <i>more</i>"),
            vec![
                Text("F".into()),
                Open(InlineStyle::Superscript),
                Text("3".into()),
                Close(InlineStyle::Superscript),
                Text("-Pruning & ".into()),
                Open(InlineStyle::Emphasis),
                Text("more".into()),
                Close(InlineStyle::Emphasis),
            ]
        );
        assert_eq!(strip_html("ICLR 2023<br>"), "ICLR 2023");
        assert_eq!(strip_html("a<br/>b<BR >c"), "a b c");
        assert_eq!(
            strip_html("Vote&Mix: x &#39;y&#x27; &bogus; &"),
            "Vote&Mix: x 'y' &bogus; &"
        );
        assert_eq!(
            strip_html("Prune <fast> a<b && c>d"),
            "Prune <fast> a<b && c>d"
        );
        assert_eq!(
            strip_html("<span class=\"x\">H<sub>2</sub>O</span> <mml:math>x</mml:math>"),
            "H2O x"
        );
        assert_eq!(strip_html("&#0; &#xFFFFFFFF; <"), "&#0; &#xFFFFFFFF; <");
    }
}
