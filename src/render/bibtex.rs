//! `OUTPUT/references.bib` (one entry per catalogue paper; one per work for a paper listed in two
//! forms, `works.rs`) and `OUTPUT/suggestions.bib` (the papers `suggestions.md` proposes), for
//! the survey's `\bibliography`.
//!
//! Keys are unique (compared without case, as BibTeX does) across both files and stable across
//! runs: a catalogue paper keeps the list's own BibTeX key when its entry has a block with a
//! usable key (ASCII, no spaces or `,{}()"#%'=\~`), else gets `author-year-word` (first author's
//! family name, year, first significant title word, lower-case ASCII: `bolya2023token`), with
//! `b`, `c`, ... appended on a clash, in catalogue order. The tables in `tables/*.tex` cite the
//! same keys ([`BibKeys`]).
//!
//! An entry is the list's own block when it parses as exactly one BibTeX entry (checked and
//! re-written with the `biblatex` crate, so a broken block never breaks the file; the LaTeX
//! escapes in its verbatim fields are removed, [`unescape_verbatim_fields`]); otherwise it is
//! built from the Semantic Scholar record: authors, title, venue (`booktitle` or `journal`), year,
//! DOI and arXiv `eprint`. Built fields are escaped for LaTeX ([`bib_text`]), except the
//! verbatim fields `doi` and `eprint`, written as they are ([`escape::bibtex_verbatim`]:
//! `10.1007/978-3-031-19775-8_24` keeps its `_`), and TeX math in a title, kept as math
//! (`IA-RED$^2$`, [`math_segments`], its word braced); words with inner capitals (`ViT`, `LLaMA`) are braced so
//! bibliography styles keep their case. No control character reaches a field.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use anyhow::Result;

use super::{escape, labels, Exporter, OutputFile, View};
use crate::analysis::{Analysis, BibSource, MissingKind, MissingPaper};

mod works;

/// Writes `references.bib` and `suggestions.bib`.
pub struct Bibtex;

impl Exporter for Bibtex {
    fn files(
        &self,
        view: &View<'_>,
        _figures: &[super::charts::Figure],
    ) -> Result<Vec<OutputFile>> {
        let keys = BibKeys::new(view.analysis);
        Ok(vec![
            OutputFile::new("references.bib", references_bib(view.analysis, &keys)),
            OutputFile::new("suggestions.bib", suggestions_bib(view.analysis, &keys)),
        ])
    }
}

/// The papers `suggestions.bib` holds: those `suggestions.md` lists, candidates first.
fn suggested(analysis: &Analysis) -> Vec<&MissingPaper> {
    let per_kind = super::SUGGESTIONS_PER_KIND;
    let mut papers = super::suggested(analysis, MissingKind::Candidate, per_kind);
    papers.extend(super::suggested(
        analysis,
        MissingKind::Foundation,
        per_kind,
    ));
    papers
}

/// Every BibTeX key of a run: catalogue papers by catalogue key, suggested papers by Semantic
/// Scholar id.
#[derive(Debug, Clone, Default)]
pub struct BibKeys {
    by_catalog_key: HashMap<String, String>,
    by_paper_id: HashMap<String, String>,
}

impl BibKeys {
    /// Assigns the keys: catalogue papers in catalogue order, then the suggested papers. The
    /// catalogue papers of one work (a paper listed in two forms) share one key: the list's own
    /// key of the listing whose block the entry uses, else of another listing, else one built
    /// from the merged facts ([`works::merged`]).
    pub fn new(analysis: &Analysis) -> Self {
        let mut taken: HashSet<String> = HashSet::new();
        let mut keys = BibKeys::default();
        let works = works::work_keys(analysis);
        for source in &analysis.bibliography {
            if keys.by_catalog_key.contains_key(&source.key) {
                continue;
            }
            let members = works::work_sources(analysis, &works, source);
            let merged = match members.as_slice() {
                [_, _, ..] => works::merged(&members).unwrap_or_else(|| source.clone()),
                _ => source.clone(),
            };
            let own = std::iter::once(&merged)
                .chain(members.iter().copied())
                .filter_map(|s| s.bibtex_key.as_deref())
                .map(str::trim)
                .find(|k| usable_key(k) && !taken.contains(&k.to_ascii_lowercase()));
            let key = match own {
                Some(own) => {
                    taken.insert(own.to_ascii_lowercase());
                    own.to_string()
                }
                None => unique(
                    &mut taken,
                    author_year_word(&merged.authors, merged.year, &merged.title),
                ),
            };
            for member in members {
                keys.by_catalog_key.insert(member.key.clone(), key.clone());
            }
        }
        for paper in suggested(analysis) {
            if keys.by_paper_id.contains_key(&paper.paper_id) {
                continue;
            }
            let key = unique(
                &mut taken,
                author_year_word(&paper.authors, paper.year, &paper.title),
            );
            keys.by_paper_id.insert(paper.paper_id.clone(), key);
        }
        keys
    }

    /// The key of a catalogue paper, by its catalogue key.
    pub fn catalog(&self, catalog_key: &str) -> Option<&str> {
        self.by_catalog_key.get(catalog_key).map(String::as_str)
    }

    /// The key of a suggested paper, by its Semantic Scholar id.
    pub fn suggested(&self, paper_id: &str) -> Option<&str> {
        self.by_paper_id.get(paper_id).map(String::as_str)
    }
}

/// A key BibTeX and biber both accept: printable ASCII without the characters that end a key.
fn usable_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 100
        && key
            .chars()
            .all(|c| c.is_ascii_graphic() && !",{}()\"#%'=\\~".contains(c))
}

/// `base`, or `base` with the first free suffix `b`, `c`, ..., `z`, `ba`, ...
fn unique(taken: &mut HashSet<String>, base: String) -> String {
    let mut candidate = base.clone();
    let mut n = 1usize;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{base}{}", letters(n));
    }
    taken.insert(candidate.clone());
    candidate
}

/// 2 -> `b`, 26 -> `z`, 27 -> `ba`: a base-26 suffix whose first value is `b`.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    n -= 1;
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Words a key skips when it picks the title's first significant word.
const STOP_WORDS: [&str; 24] = [
    "a", "an", "the", "on", "of", "for", "in", "to", "with", "and", "is", "are", "at", "by",
    "from", "via", "towards", "toward", "do", "does", "not", "all", "you", "your",
];

/// `family` + `year` + `word`, lower-case ASCII (`nd` for no year, `anon` for no author).
pub fn author_year_word(authors: &[String], year: Option<i32>, title: &str) -> String {
    let family = authors
        .first()
        .map(|name| family_name(name))
        .map(|name| ascii_word(&name))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "anon".to_string());
    let year = year.map_or_else(|| "nd".to_string(), |y| y.to_string());
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .map(ascii_word)
        .find(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .unwrap_or_else(|| "paper".to_string());
    format!("{family}{year}{word}")
}

/// `Last` of `First Last`, or of `Last, First`.
fn family_name(name: &str) -> String {
    let name = name.trim();
    match name.split_once(',') {
        Some((last, _)) => last.trim().to_string(),
        None => name
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Lower-case ASCII letters and digits of `word`, Latin accents folded (`Jürgen` -> `jurgen`).
fn ascii_word(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'č' => "c",
            'ď' | 'đ' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
            'ğ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
            'ł' => "l",
            'ñ' | 'ń' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' => "o",
            'œ' => "oe",
            'ř' => "r",
            'ś' | 'š' | 'ş' => "s",
            'ß' => "ss",
            'ť' | 'ţ' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(folded);
    }
    out
}

/// A field value's text: LaTeX specials escaped; braces become `\textbraceleft{}` /
/// `\textbraceright{}` because BibTeX counts braces even after a backslash.
pub fn bib_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in labels::one_line(text).chars() {
        match c {
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            c => out.push_str(&escape::latex(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

/// A title for a field: escaped, and each word with a capital after its first letter braced so
/// that styles which lower-case titles keep `ViT` and `LLaMA`. Inline HTML that Semantic Scholar
/// titles carry becomes LaTeX ([`crate::text::inline_html`]): `<sup>` `\textsuperscript{}`,
/// `<sub>` `\textsubscript{}`, `<i>`/`<em>` `\emph{}`, `<b>`/`<strong>` `\textbf{}`; other tags
/// are dropped and entities decoded before the LaTeX specials are escaped
/// (`F<sup>3</sup>-Pruning:` gives `{F\textsuperscript{3}-Pruning:}`, where it gave
/// `F\textless{}sup\textgreater{}3...`). TeX math the title carries stays math
/// ([`math_segments`]: `IA-RED$^2$`, where it gave `IA-RED\$\textasciicircum{}2\$`).
fn bib_title(title: &str) -> String {
    use crate::text::{inline_html, InlinePiece, InlineStyle};
    /// One word being built: its LaTeX, its plain text, and whether a style was open at its start.
    #[derive(Default)]
    struct Word {
        latex: String,
        plain: String,
        opened_inside: bool,
        has_math: bool,
    }
    fn finish(words: &mut Vec<String>, word: &mut Word, open_styles: usize) {
        let word = std::mem::take(word);
        if word.latex.is_empty() {
            return;
        }
        let inner_capital = word.plain.chars().skip(1).any(char::is_uppercase);
        // Braces only around a word that no style runs into or out of, so they always pair. A
        // word with math is braced too: BibTeX's case change lower-cases math (`$\Omega$`).
        if (inner_capital || word.has_math) && !word.opened_inside && open_styles == 0 {
            words.push(format!("{{{}}}", word.latex));
        } else {
            words.push(word.latex);
        }
    }
    let command = |style: InlineStyle| match style {
        InlineStyle::Superscript => "\\textsuperscript{",
        InlineStyle::Subscript => "\\textsubscript{",
        InlineStyle::Emphasis => "\\emph{",
        InlineStyle::Bold => "\\textbf{",
    };
    let mut words: Vec<String> = Vec::new();
    let mut word = Word::default();
    let mut open: Vec<InlineStyle> = Vec::new();
    for piece in inline_html(&labels::one_line(title)) {
        match piece {
            InlinePiece::Text(text) => {
                for segment in math_segments(&text) {
                    let plain = match segment {
                        TitleSegment::Math { inner, latex } => {
                            let _ = write!(word.latex, "${latex}$");
                            word.plain.push_str(inner);
                            word.has_math = true;
                            continue;
                        }
                        TitleSegment::Plain(plain) => plain,
                    };
                    let mut parts = plain.split(char::is_whitespace).peekable();
                    while let Some(part) = parts.next() {
                        if !part.is_empty() {
                            word.latex.push_str(&bib_text(part));
                            word.plain.push_str(part);
                        }
                        if parts.peek().is_some() {
                            finish(&mut words, &mut word, open.len());
                            word.opened_inside = !open.is_empty();
                        }
                    }
                }
            }
            InlinePiece::Break => {
                finish(&mut words, &mut word, open.len());
                word.opened_inside = !open.is_empty();
            }
            InlinePiece::Open(style) => {
                if word.latex.is_empty() {
                    word.opened_inside = word.opened_inside || !open.is_empty();
                }
                word.latex.push_str(command(style));
                open.push(style);
            }
            InlinePiece::Close(style) => {
                // A close without its open is dropped; one that skips inner styles closes them.
                if let Some(at) = open.iter().rposition(|&s| s == style) {
                    for _ in at..open.len() {
                        word.latex.push('}');
                    }
                    open.truncate(at);
                }
            }
        }
    }
    for _ in 0..open.len() {
        word.latex.push('}');
    }
    open.clear();
    finish(&mut words, &mut word, 0);
    words.join(" ")
}

/// A run of a title's text: plain text, to be escaped, or a TeX math span kept as math.
#[derive(Debug, PartialEq)]
enum TitleSegment<'a> {
    Plain(&'a str),
    /// `$inner$`, written `$latex$` ([`escape::latex_math`]).
    Math {
        inner: &'a str,
        latex: String,
    },
}

/// `text` cut into plain runs and TeX math spans, by pandoc's rule for `$`: a span opens at a `$`
/// followed by a non-space and closes at the next `$` preceded by a non-space and not followed by
/// a digit; a `$` escaped as `\$` never opens or closes one. A span that could not stand as math in
/// a field ([`escape::latex_math`]) and every other `$` stay plain text (`\$5 and \$10`).
/// Semantic Scholar writes titles from TeX sources this way: `IA-RED$^2$`.
fn math_segments(text: &str) -> Vec<TitleSegment<'_>> {
    let dollars: Vec<usize> = text
        .char_indices()
        .filter(|&(at, c)| c == '$' && !text[..at].ends_with('\\'))
        .map(|(at, _)| at)
        .collect();
    let opens = |at: usize| {
        text[at + 1..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '$')
    };
    let closes = |at: usize| {
        text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
            && !text[at + 1..].starts_with(|c: char| c.is_ascii_digit())
    };
    let mut segments = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < dollars.len() {
        let open = dollars[i];
        let span = if opens(open) {
            dollars[i + 1..]
                .iter()
                .position(|&close| closes(close))
                .map(|offset| i + 1 + offset)
                .and_then(|j| {
                    let inner = &text[open + 1..dollars[j]];
                    escape::latex_math(inner).map(|latex| (j, inner, latex))
                })
        } else {
            None
        };
        match span {
            Some((j, inner, latex)) => {
                if plain_from < open {
                    segments.push(TitleSegment::Plain(&text[plain_from..open]));
                }
                segments.push(TitleSegment::Math { inner, latex });
                plain_from = dollars[j] + 1;
                i = j + 1;
            }
            None => i += 1,
        }
    }
    if plain_from < text.len() {
        segments.push(TitleSegment::Plain(&text[plain_from..]));
    }
    segments
}

/// Venues whose papers are journal articles.
pub(crate) fn is_journal(venue: &str) -> bool {
    let lower = venue.to_ascii_lowercase();
    [
        "journal",
        "transactions",
        "letters",
        "magazine",
        "review",
        "tpami",
        "ijcv",
        "tmlr",
        "jmlr",
        "neurocomputing",
        "pattern recognition",
        "nature",
        "science",
        "access",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

pub(crate) fn is_preprint(venue: &str) -> bool {
    let lower = venue.to_ascii_lowercase();
    lower.contains("arxiv") || lower == "corr" || lower.contains("preprint")
}

/// The facts an entry is built from (a Semantic Scholar record's, or a catalogue paper's
/// merged from its listings): plain text, as the record gives it (titles may carry the inline
/// HTML and TeX math Semantic Scholar keeps).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The title as the record gives it.
    pub title: String,
    /// `First Last` names, in order.
    pub authors: Vec<String>,
    /// Where it appeared, as the record names it (may be a preprint server: `arXiv.org`).
    pub venue: Option<String>,
    pub year: Option<i32>,
    /// Lower-case DOI without `https://doi.org/` (may be a preprint server's).
    pub doi: Option<String>,
    /// arXiv id without version.
    pub arxiv: Option<String>,
}

/// The DOI an entry of a paper in `venue` cites: `doi` (trimmed, non-empty), except a preprint
/// server's (arXiv's `10.48550/arXiv.ID`) for a paper that appeared in a published venue: the
/// entry of a KDD paper must not send readers to its preprint's DOI (the arXiv id stays, as the
/// `eprint`). Semantic Scholar gives the arXiv DOI for many published papers.
pub(crate) fn published_or_no_doi<'a>(
    doi: Option<&'a str>,
    venue: Option<&str>,
) -> Option<&'a str> {
    let doi = doi.map(str::trim).filter(|d| !d.is_empty())?;
    let published = venue
        .map(crate::text::strip_html)
        .is_some_and(|v| !v.trim().is_empty() && !is_preprint(&v));
    (!(published && works::is_preprint_doi(doi))).then_some(doi)
}

/// An entry built from the facts: `@inproceedings` for a conference, `@article` for a journal or
/// an arXiv preprint (`journal = {arXiv preprint arXiv:ID}`, as Google Scholar writes it), `@misc`
/// when nothing says where it appeared.
fn built_entry(key: &str, facts: &Facts) -> String {
    // Records carry markup from their sources ("ICLR 2023<br>"): read as text.
    let venue = facts
        .venue
        .as_deref()
        .map(crate::text::strip_html)
        .filter(|v| !v.is_empty() && !is_preprint(v));
    let (kind, venue_field) = match (&venue, facts.arxiv.as_deref()) {
        (Some(v), _) if is_journal(v) => ("article", Some(("journal", bib_text(v)))),
        (Some(v), _) => ("inproceedings", Some(("booktitle", bib_text(v)))),
        (None, Some(arxiv)) => (
            "article",
            Some((
                "journal",
                format!("arXiv preprint arXiv:{}", bib_text(arxiv)),
            )),
        ),
        (None, None) => ("misc", None),
    };
    let mut fields: Vec<(&str, String)> = Vec::new();
    let authors: Vec<String> = facts
        .authors
        .iter()
        .map(|a| labels::one_line(a))
        .filter(|a| !a.is_empty())
        // A name that holds the word "and" would split in two: brace it whole.
        .map(|a| {
            if a.split(' ').any(|w| w.eq_ignore_ascii_case("and")) {
                format!("{{{}}}", bib_text(&a))
            } else {
                bib_text(&a)
            }
        })
        .collect();
    if !authors.is_empty() {
        fields.push(("author", authors.join(" and ")));
    }
    fields.push(("title", bib_title(&facts.title)));
    if let Some((name, value)) = venue_field {
        fields.push((name, value));
    }
    if let Some(year) = facts.year {
        fields.push(("year", year.to_string()));
    }
    if let Some(doi) = published_or_no_doi(facts.doi.as_deref(), facts.venue.as_deref()) {
        fields.push(("doi", escape::bibtex_verbatim(doi)));
    }
    if let Some(arxiv) = facts
        .arxiv
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        fields.push(("eprint", escape::bibtex_verbatim(arxiv)));
        fields.push(("archiveprefix", "arXiv".to_string()));
    }
    let mut out = format!("@{kind}{{{key},\n");
    for (name, value) in fields {
        let _ = writeln!(out, "  {name} = {{{value}}},");
    }
    out.push_str("}\n");
    out
}

/// The list's own block, as written, under `key`: used when it is exactly one well-formed entry
/// (checked with the `biblatex` crate before and after the key is replaced), so a broken block
/// never reaches the file. The key changes, and the fields of `completion` the block lacks (the
/// record's year, DOI, arXiv eprint) are added at its end; `--`, accents and the block's own
/// fields and their order stay the list's.
fn list_entry(key: &str, block: &str, completion: &[(&str, String)], work: bool) -> Option<String> {
    let clean: String = block
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let clean = brace_undefined_macros(clean.trim());
    let clean = without_trailing_text(&clean);
    let one_entry = |text: &str| {
        biblatex::Bibliography::parse(text)
            .ok()
            .filter(|b| b.len() == 1)
            .and_then(|b| b.into_iter().next())
            .filter(|entry| !entry.fields.is_empty())
    };
    let entry = one_entry(clean)?;
    // `@type{oldkey,` -> `@type{key,`.
    let open = clean.find(['{', '('])?;
    let comma = open + clean[open..].find(',')?;
    let rekeyed = unescape_verbatim_fields(&format!("{}{key}{}", &clean[..=open], &clean[comma..]));
    let checked = one_entry(&rekeyed)?;
    if checked.key != key {
        return None;
    }
    // A work listed twice cites its published version: the preprint's DOI in the block gives
    // way to the publisher's (README, "One paper listed in two forms").
    let rekeyed = if work {
        published_doi(&rekeyed, &checked, completion)
    } else {
        rekeyed
    };
    let has = |name: &str| {
        entry.fields.keys().any(|f| f.eq_ignore_ascii_case(name))
            // biblatex's `date` holds the year too.
            || (name == "year" && entry.fields.keys().any(|f| f.eq_ignore_ascii_case("date")))
    };
    let mut missing: Vec<(&str, String)> = completion
        .iter()
        .filter(|(name, value)| !value.is_empty() && !has(name))
        .cloned()
        .collect();
    if missing.iter().any(|(name, _)| *name == "eprint")
        && !has("archiveprefix")
        && !has("eprinttype")
    {
        missing.push(("archiveprefix", "arXiv".to_string()));
    }
    if missing.is_empty() {
        return Some(format!("{rekeyed}\n"));
    }
    // Before the closing `}` or `)`, after a comma ending the last field.
    let body = rekeyed[..rekeyed.len() - 1].trim_end();
    let close = &rekeyed[rekeyed.len() - 1..];
    let mut completed = body.to_string();
    if !completed.ends_with(',') {
        completed.push(',');
    }
    for (name, value) in missing {
        let _ = write!(completed, "\n  {name} = {{{value}}},");
    }
    completed.push('\n');
    completed.push_str(close);
    // A completion that would break the entry is left out rather than the list's block.
    match one_entry(&completed) {
        Some(entry) if entry.key == key => Some(format!("{completed}\n")),
        _ => Some(format!("{rekeyed}\n")),
    }
}

/// `block` up to the end of its last entry: text after it (a list's `</details>` copied into
/// the block, which the `biblatex` crate skips) is not BibTeX, and biber reports it as "junk at
/// toplevel". `block` as it is when it does not parse.
fn without_trailing_text(block: &str) -> &str {
    // The crate's entry span stops after the last field, before the closing delimiter.
    let fields_end = biblatex::RawBibliography::parse(block)
        .ok()
        .and_then(|raw| raw.entries.last().map(|entry| entry.span.end));
    let Some(rest) = fields_end.and_then(|end| block.get(end..)) else {
        return block;
    };
    match rest.find(['}', ')']) {
        Some(close) if rest[..close].chars().all(|c| c.is_whitespace() || c == ',') => {
            &block[..block.len() - rest.len() + close + 1]
        }
        _ => block,
    }
}

/// Month macros BibTeX predefines (`month = aug`): they need no `@string`.
const MONTH_MACROS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `block` with every macro value it does not define itself (`booktitle=NIPS`, a `@string` of the
/// list's own `.bib` that the block copied without it) written as its name in braces
/// (`booktitle={NIPS}`), so the block parses on its own and keeps the list's fields (its authors
/// above all) instead of giving way to the record's (issue #24). Month macros and macros the
/// block defines stay; every other byte stays as written. `block` as it is when it does not parse.
fn brace_undefined_macros(block: &str) -> String {
    let Ok(raw) = biblatex::RawBibliography::parse(block) else {
        return block.to_string();
    };
    let defined = |name: &str| {
        raw.abbreviations.iter().any(|pair| pair.key.v == name)
            || MONTH_MACROS.contains(&name.to_ascii_lowercase().as_str())
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = raw
        .entries
        .iter()
        .flat_map(|entry| &entry.v.fields)
        .flat_map(|pair| &pair.value.v)
        .filter_map(|chunk| match chunk.v {
            biblatex::RawChunk::Abbreviation(name) if !defined(name) => {
                // Only a span that holds exactly the name is rewritten.
                (block.get(chunk.span.clone()) == Some(name))
                    .then(|| (chunk.span.clone(), format!("{{{name}}}")))
            }
            _ => None,
        })
        .collect();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = block.to_string();
    for (range, braced) in edits {
        out.replace_range(range, &braced);
    }
    out
}

/// `text` (one entry, parsed as `entry`) with a preprint server's DOI (`10.48550/arXiv.ID`) in
/// its `doi` field replaced by the publisher's DOI among `completion`: a paper listed as a
/// preprint (with the list's block) and as the published version is one work whose entry cites
/// the published version (README, "One paper listed in two forms"). `text` as it is otherwise.
fn published_doi(text: &str, entry: &biblatex::Entry, completion: &[(&str, String)]) -> String {
    let Some(doi) = completion
        .iter()
        .find(|(name, value)| *name == "doi" && !works::is_preprint_doi(value))
        .map(|(_, value)| value)
    else {
        return text.to_string();
    };
    let chunks = entry
        .fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("doi"))
        .map(|(_, chunks)| chunks);
    let Some(chunks) = chunks.filter(|c| !c.is_empty()) else {
        return text.to_string();
    };
    let start = chunks.iter().map(|c| c.span.start).min().unwrap_or(0);
    let end = chunks.iter().map(|c| c.span.end).max().unwrap_or(0);
    match text.get(start..end) {
        Some(old) if works::is_preprint_doi(old.trim()) => {
            format!("{}{doi}{}", &text[..start], &text[end..])
        }
        _ => text.to_string(),
    }
}

/// Fields biblatex reads verbatim: their value is a link or an identifier, never LaTeX.
const VERBATIM_FIELDS: [&str; 3] = ["doi", "url", "eprint"];

/// `block` (one entry) with the LaTeX escapes a list wrote into its verbatim fields removed
/// ([`crate::text::drop_latex_escapes`]: `doi = {10.1007/978-3-031-19775-8\_24}` becomes
/// `..._24`, whose `\_` printed a backslash and broke the link,
/// retorquere/zotero-better-bibtex#2575); every other byte of the block stays as written.
fn unescape_verbatim_fields(block: &str) -> String {
    let Ok(raw) = biblatex::RawBibliography::parse(block) else {
        return block.to_string();
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = raw
        .entries
        .iter()
        .flat_map(|entry| &entry.v.fields)
        .filter(|pair| {
            VERBATIM_FIELDS
                .iter()
                .any(|name| pair.key.v.eq_ignore_ascii_case(name))
        })
        .flat_map(|pair| &pair.value.v)
        .filter_map(|chunk| match chunk.v {
            biblatex::RawChunk::Normal(text) => {
                let range = chunk.span.clone();
                // Only a span that holds exactly this text is rewritten.
                (block.get(range.clone()) == Some(text))
                    .then(|| (range, crate::text::drop_latex_escapes(text)))
                    .filter(|(_, clean)| clean != text)
            }
            biblatex::RawChunk::Abbreviation(_) => None,
        })
        .collect();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = block.to_string();
    for (range, clean) in edits {
        out.replace_range(range, &clean);
    }
    out
}

const HEADER: &str = "% Generated by citegraph. Keys are stable across runs; the tables in tables/*.tex cite them.\n";

/// One entry of `references.bib` or `suggestions.bib` under its key, in the form the file
/// writes it: the one selection that the BibTeX files and the reference-manager exports
/// (`exports/`: RIS, CSL-JSON) both write, so every format holds the same papers under the same
/// keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BibEntry {
    /// The BibTeX key ([`BibKeys`]), unique across both files.
    pub key: String,
    /// Where the entry's fields come from.
    pub form: EntryForm,
}

/// Where a [`BibEntry`]'s fields come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryForm {
    /// The list's own block, re-keyed and completed from the record ([`list_entry`]): the
    /// entry's BibTeX text, one entry that the `biblatex` crate parses.
    List(String),
    /// Built from the facts ([`built_entry`]).
    Built(Facts),
}

impl BibEntry {
    /// The entry as `references.bib` / `suggestions.bib` write it, ending in a newline.
    pub fn bibtex(&self) -> String {
        match &self.form {
            EntryForm::List(text) => text.clone(),
            EntryForm::Built(facts) => built_entry(&self.key, facts),
        }
    }
}

/// The entries of `references.bib`: one per catalogue paper, in catalogue order; the catalogue
/// papers of one work (a paper listed in two forms) give one entry, at the place of the first,
/// its fields merged from every listing ([`works::merged`]: the published version's venue and
/// DOI, the preprint's arXiv `eprint`). Cost: O(catalogue papers) plus one parse of each list
/// block.
pub fn reference_entries(analysis: &Analysis, keys: &BibKeys) -> Vec<BibEntry> {
    let works = works::work_keys(analysis);
    let mut entries = Vec::new();
    let mut written = HashSet::new();
    for source in &analysis.bibliography {
        let Some(key) = keys.catalog(&source.key) else {
            continue;
        };
        if !written.insert(key) {
            continue;
        }
        let members = works::work_sources(analysis, &works, source);
        let form = match works::merged(&members) {
            Some(merged) if members.len() > 1 => work_entry(key, &merged, true),
            _ => work_entry(key, source, false),
        };
        entries.push(BibEntry {
            key: key.to_string(),
            form,
        });
    }
    entries
}

/// `references.bib`: the [`reference_entries`] under a header.
pub fn references_bib(analysis: &Analysis, keys: &BibKeys) -> String {
    let entries = reference_entries(analysis, keys);
    let mut out = String::from(HEADER);
    let _ = writeln!(
        out,
        "% {} catalogue papers: the list's own BibTeX where it has one, else built from Semantic Scholar.",
        entries.len()
    );
    for entry in entries {
        out.push('\n');
        out.push_str(&entry.bibtex());
    }
    out
}

/// The entry of `source`: the list's block completed from the record, else one built from the
/// facts; `work`: `source` merges a work's listings (a preprint's DOI in the block gives way to
/// the publisher's).
fn work_entry(key: &str, source: &BibSource, work: bool) -> EntryForm {
    // What the record knows and a list block may lack (the trial's `raecompressive` had no year).
    let mut completion: Vec<(&str, String)> = Vec::new();
    if let Some(year) = source.year {
        completion.push(("year", year.to_string()));
    }
    if let Some(doi) = published_or_no_doi(source.doi.as_deref(), source.venue.as_deref()) {
        completion.push(("doi", escape::bibtex_verbatim(doi)));
    }
    if let Some(arxiv) = source
        .arxiv
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        completion.push(("eprint", escape::bibtex_verbatim(arxiv)));
    }
    match source
        .bibtex
        .as_deref()
        .and_then(|block| list_entry(key, block, &completion, work))
    {
        Some(text) => EntryForm::List(text),
        None => EntryForm::Built(Facts {
            title: source.title.clone(),
            authors: source.authors.clone(),
            venue: source.venue.clone(),
            year: source.year,
            doi: source.doi.clone(),
            arxiv: source.arxiv.clone(),
        }),
    }
}

/// The facts of a suggested paper (authors, title, venue, year, DOI, arXiv id), from Semantic
/// Scholar.
fn suggestion_facts(paper: &MissingPaper) -> Facts {
    let external = |name: &str| {
        paper
            .external_ids
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    Facts {
        title: paper.title.clone(),
        authors: paper.authors.clone(),
        venue: paper.venue.clone(),
        year: paper.year,
        doi: external("DOI"),
        arxiv: external("ArXiv"),
    }
}

/// The entry of a suggested paper under `key`, built from its Semantic Scholar facts (authors,
/// title, venue, year, DOI, arXiv eprint): what `suggestions.bib` holds for it and
/// `suggestions.md` shows in its BibTeX block.
pub fn suggestion_entry(key: &str, paper: &MissingPaper) -> String {
    built_entry(key, &suggestion_facts(paper))
}

/// The entries of `suggestions.bib`: the papers `suggestions.md` lists, candidates then
/// foundations, each once.
pub fn suggestion_entries(analysis: &Analysis, keys: &BibKeys) -> Vec<BibEntry> {
    let mut entries = Vec::new();
    let mut written = HashSet::new();
    for paper in suggested(analysis) {
        let Some(key) = keys.suggested(&paper.paper_id) else {
            continue;
        };
        if !written.insert(key) {
            continue;
        }
        entries.push(BibEntry {
            key: key.to_string(),
            form: EntryForm::Built(suggestion_facts(paper)),
        });
    }
    entries
}

/// `suggestions.bib`: the [`suggestion_entries`] under a header.
pub fn suggestions_bib(analysis: &Analysis, keys: &BibKeys) -> String {
    let mut out = String::from(HEADER);
    out.push_str("% Papers the citation graph suggests adding (see suggestions.md), built from Semantic Scholar.\n");
    for entry in suggestion_entries(analysis, keys) {
        out.push('\n');
        out.push_str(&entry.bibtex());
    }
    out
}

#[cfg(test)]
mod tests;
