//! Escaping for every text format the render stage writes. Titles, venues and author names come
//! from the catalogue and the API unchecked, so every string that lands in an output goes through
//! one of these functions; each is total (no input makes it fail) and keeps the text readable.

use std::fmt::Write as _;

/// The inside of a double-quoted DOT string (an ID or an escString attribute such as `label`).
///
/// Graphviz only treats `"` and `\` specially inside quotes; a backslash also starts escString
/// sequences (`\N`, `\G`, `\l`), so it is doubled to stay literal. Newlines become `\n` (a centred
/// line break) and other control characters, which dot rejects or prints as garbage, are dropped.
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => {
                // A CRLF pair is one line break.
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The inside of a quoted DOT `tooltip`: Graphviz 2.43 unescapes a tooltip once and then expands
/// `\N`, `\G` in what is left, so a backslash is written four times to reach the SVG as one
/// (a title's `\N` showed the node's id; labels need only [`dot`]).
pub fn dot_tooltip(text: &str) -> String {
    dot(&text.replace('\\', "\\\\"))
}

/// Text inside a Graphviz HTML-like label (`label=<...>`): the XML rules of [`xml`], since
/// Graphviz reads these labels with an XML parser, and a backslash doubled: Graphviz 2.43 still
/// expands `\N` (the node's name) and `\G` in HTML text, and `&#92;` does not stop it.
pub fn dot_html(text: &str) -> String {
    xml(text).replace('\\', "\\\\")
}

/// Whether XML 1.0 allows `c` at all (its `Char` production); the others cannot even be written as
/// character references, so they are removed.
fn xml_char_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text content or a quoted attribute value in XML (GraphML) or HTML: `& < > " '` as entities,
/// characters illegal in XML 1.0 removed. Line breaks and tabs inside attributes are written as
/// character references so attribute-value normalisation does not turn them into spaces.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| xml_char_allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // C1 controls are legal XML but "discouraged"; browsers show boxes for them.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// HTML text or attribute value. The same rules as [`xml`]: one escaping for both keeps the report
/// valid as XHTML too.
pub fn html(text: &str) -> String {
    xml(text)
}

/// A `href` for a link taken from the catalogue or the API: only `http(s)` URLs are kept (a
/// `javascript:` or `data:` URL from a hostile record must not become clickable), escaped for an
/// attribute.
pub fn html_href(url: &str) -> Option<String> {
    let trimmed = url.trim();
    let lower = trimmed.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    Some(xml(&url_safe(trimmed)))
}

/// Percent-encodes the characters that would end a URL early in Markdown or HTML (space, quotes,
/// brackets, parentheses) or that are never valid in a URL, leaving the rest untouched.
pub fn url_safe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']' | '`' | '{' | '}' | '|' | '\\'
            | '^' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// LaTeX text mode: the ten special characters (`& % $ # _ { } ~ ^ \`) plus `< > |`, which the
/// default OT1 font encoding prints as other glyphs. Line breaks become spaces, so a cell never
/// ends a paragraph inside a tabular.
pub fn latex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '|' => out.push_str("\\textbar{}"),
            // The short labels' ellipsis; pdfLaTeX's default input encoding may lack it.
            '…' => out.push_str("\\ldots{}"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Inline Markdown text (CommonMark): every ASCII punctuation character that can start markup is
/// backslash-escaped, line breaks become spaces, so the text stays one run of plain text inside
/// `**...**` or `*...*` whatever it holds.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '!' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text inside an HTML comment (`<!-- ... -->`): a comment may not contain `--`, nor start with
/// `>`, so dashes are spaced out and line breaks flattened.
pub fn html_comment(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = flat.replace("--", "- -");
    // "---" becomes "- --" after one pass: repeat until no pair is left.
    while out.contains("--") {
        out = out.replace("--", "- -");
    }
    out.trim_start_matches(['>', '-']).to_string()
}

/// A shields.io static badge label, as the catalogue writes them: space -> `_`, `-` -> `--`,
/// `_` -> `__`, ASCII letters, digits and `.` as they are, everything else percent-encoded (UTF-8).
pub fn shields_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            ' ' => out.push('_'),
            '-' => out.push_str("--"),
            '_' => out.push_str("__"),
            c if c.is_ascii_alphanumeric() || c == '.' => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{byte:02X}");
                }
            }
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding), for `data:` URIs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---- CSV -------------------------------------------------------------------------------------

/// A CSV text cell a spreadsheet opens safely: control characters (U+0000-U+001F, U+007F,
/// U+0080-U+009F) are removed, except the tab and the line breaks (`\t`, `\n`, `\r`) a quoted
/// cell holds; a cell then starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be
/// run as a formula (Excel, LibreOffice, Google Sheets), so it gets a leading apostrophe, per
/// OWASP's "CSV Injection" advice; every other cell is returned as it is, without a copy (the
/// millions of ids of `edges.csv`). Quoting is the CSV writer's job, not this one's. Every CSV the
/// tool writes (the analysis tables, `lint.csv`, `unresolved.csv`) takes its text cells through
/// here; numeric cells are never passed (`-1.5` stays a number).
///
/// The three copies this replaces (tables, lint, unresolved) tested the same six first characters
/// and prefixed the same `'`. A title or an id from the API with an escape or NUL byte in it
/// reached the file as it was (issue #22).
pub fn csv(text: &str) -> std::borrow::Cow<'_, str> {
    let dropped = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let text: std::borrow::Cow<'_, str> = if text.contains(dropped) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !dropped(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        text
    }
}

// ---- BibTeX ----------------------------------------------------------------------------------

/// The value of a verbatim BibTeX field (biblatex's `doi`, `url`, `eprint`): written as it is,
/// since biber and `\url`/`\doi` read these fields without LaTeX, so `10.1007/978-3-031-19775-8_24`
/// keeps its `_` (an escaped `\_` printed a backslash in the DOI and broke its link,
/// retorquere/zotero-better-bibtex#2575). Only what would break the .bib file or the link is
/// changed: control characters and spaces at either end are removed, and the braces and the
/// backslash, which BibTeX counts or a URL never holds, are percent-encoded (`{` `%7B`, `}` `%7D`,
/// `\` `%5C`), as the URL standard writes them. A classic BibTeX style prints these fields
/// through `\url` when the document loads `url` or `hyperref` (plainnat, abbrvnat do).
pub fn bibtex_verbatim(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim().chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A TeX math span of a title (the text between `$` and `$`, or `None` when it may not stand as
/// math in a BibTeX field): its braces must balance (BibTeX counts them) and it may not hold a
/// `$`; control characters become spaces, and `% # &`, which end or break math even there, are
/// backslash-escaped unless they already are. `^2` stays `^2`, `\mathcal{O}` stays.
pub fn latex_math(inner: &str) -> Option<String> {
    let mut depth = 0i32;
    let mut out = String::with_capacity(inner.len());
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '$' => return None,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
        if matches!(c, '%' | '#' | '&') && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(if c.is_control() { ' ' } else { c });
    }
    (depth == 0 && !out.trim().is_empty()).then_some(out)
}

#[cfg(test)]
mod csv_tests {
    use super::csv;

    #[test]
    fn formula_cells_get_an_apostrophe() {
        for cell in ["=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn control_characters_never_reach_a_cell() {
        assert_eq!(csv("a\u{0}b\u{1b}[31mc\u{7f}d\u{85}e\u{9f}f"), "ab[31mcdef");
        // Tab and line breaks stay: the CSV writer quotes the cell.
        assert_eq!(csv("two\nlines\tand\r\nmore"), "two\nlines\tand\r\nmore");
        // A formula hidden behind a control character is still defused.
        assert_eq!(csv("\u{1}=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv("\u{0}"), "");
    }

    #[test]
    fn other_cells_are_borrowed_unchanged() {
        for cell in ["", "Attention", " =1", "1-2", "'=x", "\n=x"] {
            assert!(
                matches!(csv(cell), std::borrow::Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_html_keeps_backslashes_and_markup_literal() {
        assert_eq!(
            dot_html("a\\N <b> & \"q\""),
            "a\\\\N &lt;b&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn dot_escapes_quotes_backslashes_and_line_breaks() {
        assert_eq!(dot(r#"a "b" \N c"#), r#"a \"b\" \\N c"#);
        assert_eq!(dot("one\r\ntwo\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(dot("tab\there\u{0}\u{7}"), "tab here");
        assert_eq!(dot("<b>&amp; é 漢字"), "<b>&amp; é 漢字");
        // A trailing backslash must not escape the closing quote.
        assert_eq!(dot("end\\"), "end\\\\");
    }

    #[test]
    fn xml_escapes_markup_and_drops_illegal_characters() {
        assert_eq!(
            xml(r#"<img src=x onerror="alert(1)"> & 'q'"#),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;q&#39;"
        );
        assert_eq!(xml("a\u{0}b\u{1b}c\u{fffe}d\u{ffff}e\u{85}f"), "abcdef");
        assert_eq!(xml("l1\nl2\tx"), "l1&#10;l2&#9;x");
        assert_eq!(xml("</script>"), "&lt;/script&gt;");
        assert_eq!(xml("😀 ü"), "😀 ü");
    }

    #[test]
    fn only_http_links_survive() {
        assert_eq!(
            html_href("https://arxiv.org/abs/1(2)?a=1&b=\"x\"").as_deref(),
            Some("https://arxiv.org/abs/1%282%29?a=1&amp;b=%22x%22")
        );
        assert_eq!(html_href("javascript:alert(1)"), None);
        assert_eq!(html_href(" JAVASCRIPT:alert(1)"), None);
        assert_eq!(html_href("data:text/html,<script>"), None);
        assert!(html_href("HTTP://example.org").is_some());
    }

    #[test]
    fn latex_escapes_the_special_characters() {
        assert_eq!(
            latex(r"50% & $5 #1 a_b {c} ~d ^e \f <g> |"),
            r"50\% \& \$5 \#1 a\_b \{c\} \textasciitilde{}d \textasciicircum{}e \textbackslash{}f \textless{}g\textgreater{} \textbar{}"
        );
        assert_eq!(latex("two\nlines"), "two lines");
        assert_eq!(latex("Über"), "Über");
        assert_eq!(latex("Short…"), r"Short\ldots{}");
    }

    #[test]
    fn verbatim_bibtex_fields_keep_their_characters() {
        assert_eq!(
            bibtex_verbatim(" 10.1007/978-3-031-19775-8_24 "),
            "10.1007/978-3-031-19775-8_24"
        );
        assert_eq!(
            bibtex_verbatim("https://example.org/a_b%20c?x=1&y=2#frag~"),
            "https://example.org/a_b%20c?x=1&y=2#frag~"
        );
        assert_eq!(
            bibtex_verbatim("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"),
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
        );
        assert_eq!(bibtex_verbatim("10.1/a}b{c\\"), "10.1/a%7Db%7Bc%5C");
        assert_eq!(bibtex_verbatim("10.1/a\u{0}\u{1b}b\u{85}\nc"), "10.1/abc");
    }

    #[test]
    fn math_spans_stay_math_when_they_can() {
        assert_eq!(latex_math("^2").as_deref(), Some("^2"));
        assert_eq!(
            latex_math(r"\mathcal{O}(n \log n)").as_deref(),
            Some(r"\mathcal{O}(n \log n)")
        );
        assert_eq!(latex_math("50% & #1").as_deref(), Some(r"50\% \& \#1"));
        assert_eq!(latex_math(r"a\%b").as_deref(), Some(r"a\%b"));
        assert_eq!(latex_math("x\u{0}y").as_deref(), Some("x y"));
        for broken in ["}x{", "{x", "a$b", " ", ""] {
            assert_eq!(latex_math(broken), None, "{broken:?}");
        }
    }

    #[test]
    fn markdown_text_cannot_open_markup() {
        assert_eq!(
            markdown("**bold** [x](y) <b>"),
            r"\*\*bold\*\* \[x\]\(y\) \<b\>"
        );
        assert_eq!(markdown("a\\b_c`d"), r"a\\b\_c\`d");
        assert_eq!(markdown("l1\nl2"), "l1 l2");
    }

    #[test]
    fn html_comments_cannot_close_early() {
        let text = html_comment("a --> b --- c\n->d");
        assert!(!text.contains("--"), "{text}");
        assert!(!text.contains('\n'));
        assert_eq!(html_comment(">x"), "x");
    }

    #[test]
    fn shields_labels_follow_the_badge_encoding() {
        assert_eq!(shields_label("Token Pruning"), "Token_Pruning");
        assert_eq!(shields_label("Training-free"), "Training--free");
        assert_eq!(shields_label("KV_Cache"), "KV__Cache");
        assert_eq!(shields_label("Q&A/2.0"), "Q%26A%2F2.0");
        assert_eq!(shields_label("ü"), "%C3%BC");
    }
}

// The SVG sanitizer: a figure's SVG becomes an element of `report.html` only when it holds no
// active or external content.

pub use svg::inline_svg;

/// Inlining an SVG document into an HTML page, or embedding it as an image when it could run
/// code or load anything ([`inline_svg`]).
mod svg {
    use std::sync::OnceLock;

    use regex::Regex;

    use super::{base64, html};

    /// Markup that must not appear inside an inline SVG: elements that run code or embed other
    /// documents, event-handler attributes and URLs (`javascript:`, `data:`, `http(s):`). Text
    /// content cannot match, because an SVG writer escapes `<` in text; only real tags are scanned.
    fn unsafe_svg_markup() -> &'static Regex {
        static PATTERN: OnceLock<Regex> = OnceLock::new();
        PATTERN.get_or_init(|| {
            Regex::new(
                r"(?i)^<\s*/?\s*(script|foreignobject|iframe|object|embed|image|use|a)\b|\son[a-z]+\s*=|javascript:|data:|https?:",
            )
            .expect("a literal pattern")
        })
    }

    /// One tag (`<...>`) of an SVG document.
    fn svg_tag() -> &'static Regex {
        static PATTERN: OnceLock<Regex> = OnceLock::new();
        PATTERN.get_or_init(|| Regex::new(r"<[^>]*>").expect("a literal pattern"))
    }

    /// The SVG document as an element of the page: prolog and doctype removed, an accessible name
    /// added. An SVG carrying any active or external content is embedded as an `<img>` instead,
    /// where browsers run no script and load nothing.
    pub fn inline_svg(svg: &str, title: &str) -> String {
        let start = svg.find("<svg").unwrap_or(0);
        let body = svg[start..].trim_end();
        // The xmlns attribute is allowed to carry http: it is a name, not a request.
        let risky = svg_tag().find_iter(body).any(|tag| {
            let tag = tag
                .as_str()
                .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            let tag = tag.replace("xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
            unsafe_svg_markup().is_match(&tag)
        });
        if risky || !body.starts_with("<svg") {
            return format!(
                "<img src=\"data:image/svg+xml;base64,{}\" alt=\"{}\">",
                base64(svg.as_bytes()),
                html(title)
            );
        }
        format!(
            "<svg role=\"img\" aria-label=\"{}\"{}",
            html(title),
            &body["<svg".len()..]
        )
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn plain_svg_is_inlined_with_a_name() {
            let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<text>&lt;img src=x onerror=alert(1)&gt;</text></svg>\n";
            let inline = inline_svg(svg, "A \"title\"");
            assert!(
                inline.starts_with("<svg role=\"img\" aria-label=\"A &quot;title&quot;\" width=")
            );
            assert!(!inline.contains("<?xml"));
        }

        #[test]
        fn active_svg_is_embedded_as_an_image() {
            for svg in [
                "<svg><script>alert(1)</script></svg>",
                "<svg><rect onload=\"alert(1)\"/></svg>",
                "<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>",
                "<svg><image href=\"https://example.org/x.png\"/></svg>",
                "<svg><foreignObject><div/></foreignObject></svg>",
            ] {
                let inline = inline_svg(svg, "t");
                assert!(
                    inline.starts_with("<img src=\"data:image/svg+xml;base64,"),
                    "{svg}"
                );
            }
        }
    }
}
