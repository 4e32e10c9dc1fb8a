//! Text fitted to the room a figure has, measured in pixels with the bundled font: cut with an
//! ellipsis at a word boundary, cut keeping a suffix (a year) whole, wrapped over lines, and kept
//! apart when two cut labels would read the same.

use super::canvas::text_width;

/// `text` cut to fit `max_width` pixels, at a word boundary when one is near, with an ellipsis.
pub(crate) fn fit_text(text: &str, size: f64, bold: bool, max_width: f64) -> String {
    if text_width(text, size, bold) <= max_width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the ellipsis, by bisection on the character count.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if text_width(&candidate, size, bold) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return if text_width("…", size, bold) <= max_width {
            "…".to_string()
        } else {
            String::new()
        };
    }
    let prefix: String = chars[..lo].iter().collect();
    // End on a whole word: a word is cut only when the first one alone does not fit. A space
    // right after the prefix means its last word is whole.
    let whole = chars.get(lo) == Some(&' ');
    let cut = match prefix.rfind(' ') {
        _ if whole => prefix.as_str(),
        Some(space) if space > 0 => &prefix[..space],
        _ => prefix.as_str(),
    };
    let cut = cut.trim_end_matches([' ', ',', ':', ';', '-', '–', '(']);
    format!("{cut}…")
}

/// `name` then `suffix` (e.g. a year) cut to `width`: the name is cut, the suffix kept whole.
pub(crate) fn fit_with_suffix(name: &str, suffix: &str, size: f64, width: f64) -> String {
    let full = if suffix.is_empty() {
        name.to_string()
    } else {
        format!("{name} {suffix}")
    };
    if suffix.is_empty() || text_width(&full, size, false) <= width {
        return fit_text(&full, size, false, width);
    }
    let suffix = format!(" {suffix}");
    let room = width - text_width(&suffix, size, false);
    match fit_text(name, size, false, room) {
        cut if cut.is_empty() || cut == "…" => fit_text(&full, size, false, width),
        cut => cut + &suffix,
    }
}

/// `name` cut in the middle, keeping its last word: "Recent token reduction… 10".
fn fit_keeping_end(name: &str, suffix: &str, size: f64, width: f64) -> String {
    match name.trim_end().rsplit_once(' ') {
        Some((head, last)) => {
            let tail = if suffix.is_empty() {
                format!(" {last}")
            } else {
                format!(" {last} {suffix}")
            };
            let room = width - text_width(&tail, size, false);
            match fit_text(head, size, false, room) {
                cut if cut.is_empty() || cut == "…" => fit_with_suffix(name, suffix, size, width),
                cut => cut + &tail,
            }
        }
        None => fit_with_suffix(name, suffix, size, width),
    }
}

/// Labels (name, suffix) cut to `width`, and kept apart: a name cut to a stem that another
/// name also starts with ("Recent token reduction…" for "... study 10" and "... study 11") is
/// cut in the middle instead, so that its distinct ending shows.
pub(crate) fn fit_labels(labels: &[(&str, &str)], size: f64, width: f64) -> Vec<String> {
    labels
        .iter()
        .enumerate()
        .map(|(i, &(name, suffix))| {
            let fitted = fit_with_suffix(name, suffix, size, width);
            let cut = fitted.strip_suffix(suffix).unwrap_or(&fitted).trim_end();
            let Some(stem) = cut.strip_suffix('…') else {
                return fitted;
            };
            let ambiguous = labels
                .iter()
                .enumerate()
                .any(|(k, &(other, _))| k != i && other != name && other.starts_with(stem));
            if ambiguous {
                fit_keeping_end(name, suffix, size, width)
            } else {
                fitted
            }
        })
        .collect()
}

/// `text` wrapped at spaces (and after hyphens) into at most `max_lines` lines of `max_width`
/// pixels; the last line is cut with an ellipsis when the text does not fit.
pub(crate) fn wrap_text(
    text: &str,
    size: f64,
    bold: bool,
    max_width: f64,
    max_lines: usize,
) -> Vec<String> {
    wrap_text_complete(text, size, bold, max_width, max_lines).0
}

/// The pieces a line may break between: words, the parts of a hyphenated word (the hyphen
/// stays at the end of its part), and the characters of Chinese and Japanese text, which breaks
/// between any two ideographs or kana without spaces; each piece with whether a space goes
/// before it.
fn break_pieces(text: &str) -> Vec<(String, bool)> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut first = true;
        let mut rest = word;
        while let Some(i) = rest.find('-').filter(|&i| i > 0 && i + 1 < rest.len()) {
            for part in ideographic_parts(&rest[..=i]) {
                pieces.push((part.to_string(), first));
                first = false;
            }
            rest = &rest[i + 1..];
        }
        for part in ideographic_parts(rest) {
            pieces.push((part.to_string(), first));
            first = false;
        }
    }
    pieces
}

/// Han ideographs and kana: a line may break before or after one (UAX #14 class ID).
fn ideographic(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Whether a line may break between `before` and `after`: next to an ideograph, but never before
/// closing punctuation or a prolonged-sound mark, nor after opening punctuation (the kinsoku
/// rule).
fn ideographic_break(before: char, after: char) -> bool {
    const NO_BREAK_BEFORE: &str = "、。，．：；！？）」』】〕〉》〗〙ーゝゞ々・,.:;!?)]}";
    const NO_BREAK_AFTER: &str = "（「『【〔〈《〖〘([{";
    (ideographic(before) || ideographic(after))
        && !NO_BREAK_BEFORE.contains(after)
        && !NO_BREAK_AFTER.contains(before)
}

/// `word` cut where [`ideographic_break`] allows (the whole word when it has no ideograph).
fn ideographic_parts(word: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    for (i, c) in word.char_indices() {
        if previous.is_some_and(|p| ideographic_break(p, c)) {
            parts.push(&word[start..i]);
            start = i;
        }
        previous = Some(c);
    }
    parts.push(&word[start..]);
    parts
}

/// Two lines of a wrapped label joined back into its text: with a space, except after a hyphen
/// or at a break between ideographs, where the text had none.
fn join_lines(before: &str, line: &str) -> String {
    let unspaced = match (before.chars().next_back(), line.chars().next()) {
        (None, _) => true,
        (Some('-'), _) => true,
        (Some(b), Some(a)) => ideographic_break(b, a),
        (Some(_), None) => false,
    };
    if unspaced {
        format!("{before}{line}")
    } else {
        format!("{before} {line}")
    }
}

/// `line` followed by a piece of [`break_pieces`] (with a space before it when it starts a word).
fn join_piece(line: &str, (piece, spaced): &(String, bool)) -> String {
    match (line.is_empty(), spaced) {
        (true, _) => piece.clone(),
        (false, true) => format!("{line} {piece}"),
        (false, false) => format!("{line}{piece}"),
    }
}

/// [`wrap_text`], and whether the whole text fitted without cutting.
pub(crate) fn wrap_text_complete(
    text: &str,
    size: f64,
    bold: bool,
    max_width: f64,
    max_lines: usize,
) -> (Vec<String>, bool) {
    let max_lines = max_lines.max(1);
    let pieces = break_pieces(text);
    let join = join_piece;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for piece in &pieces {
        let candidate = join(&current, piece);
        if current.is_empty() || text_width(&candidate, size, bold) <= max_width {
            current = candidate;
            used += 1;
            continue;
        }
        if lines.len() + 1 == max_lines {
            break;
        }
        lines.push(std::mem::take(&mut current));
        current = piece.0.clone();
        used += 1;
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let mut complete = used == pieces.len();
    if !complete {
        if let Some(last) = lines.last_mut() {
            let mut joined = last.clone();
            for piece in &pieces[used..] {
                joined = join(&joined, piece);
            }
            *last = fit_text(&joined, size, bold, max_width);
        }
    }
    for line in &mut lines {
        if text_width(line, size, bold) > max_width {
            *line = fit_text(line, size, bold, max_width);
            complete = false;
        }
    }
    (lines, complete)
}

/// `text` in at most `max_lines` lines of about `max_width` pixels, never cut inside a word:
/// lines break at spaces and after hyphens; a word wider than `max_width` alone is kept whole
/// on a line of its own (it overflows, rather than lose letters); when the text needs more
/// lines, the last one ends after a whole word (one followed by a space in `text`, or an
/// ideograph, see [`break_pieces`]) with `…`. Joined by [`join_lines`] and without the `…`, the
/// lines are always a prefix of `text` ending at a word boundary.
pub(crate) fn wrap_words(text: &str, size: f64, max_width: f64, max_lines: usize) -> Vec<String> {
    let max_lines = max_lines.max(1);
    let pieces = break_pieces(text);
    let join = join_piece;
    // Greedy lines, each piece on the line where it fits.
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut current = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        let candidate = join(&current, piece);
        if current.is_empty() || text_width(&candidate, size, false) <= max_width {
            current = candidate;
        } else {
            lines.push(Vec::new());
            current = piece.0.clone();
        }
        if let Some(line) = lines.last_mut() {
            line.push(i);
        }
    }
    let render = |indices: &[usize]| -> String {
        indices
            .iter()
            .fold(String::new(), |line, &i| join(&line, &pieces[i]))
    };
    if lines.len() <= max_lines {
        return lines
            .iter()
            .map(|l| render(l))
            .filter(|l| !l.is_empty())
            .collect();
    }
    // Too many lines: keep the longest run of pieces that ends a word and leaves the last
    // line room for the ellipsis.
    let ends_word = |k: usize| {
        pieces.get(k + 1).is_none_or(|next| {
            let last = pieces[k].0.chars().next_back();
            let first = next.0.chars().next();
            next.1
                || last
                    .zip(first)
                    .is_some_and(|(b, a)| ideographic_break(b, a))
        })
    };
    let last = &lines[max_lines - 1];
    let before: usize = lines[..max_lines - 1].iter().map(Vec::len).sum();
    let fits_last = |end: usize| {
        let line = (before..=end).fold(String::new(), |line, i| join(&line, &pieces[i])) + "…";
        end < before || text_width(&line, size, false) <= max_width
    };
    let kept = (0..before + last.len())
        .rev()
        .find(|&end| ends_word(end) && fits_last(end))
        // Not even the first word fits with the ellipsis: keep it whole all the same.
        .or_else(|| (0..pieces.len()).find(|&end| ends_word(end)))
        .map_or(0, |end| end + 1);
    let mut out: Vec<String> = Vec::new();
    for line in &lines {
        let taken: Vec<usize> = line.iter().copied().filter(|&i| i < kept).collect();
        if !taken.is_empty() {
            out.push(render(&taken));
        }
    }
    // A first word broken over more lines than allowed (its hyphenated parts): the rest of it
    // on the last line.
    if out.len() > max_lines {
        let tail = out.split_off(max_lines - 1);
        out.push(tail.concat());
    }
    if let Some(last) = out.last_mut() {
        last.push('…');
    }
    out
}

/// `name` then `suffix` (a year, a count) on at most `max_lines` lines of `width` pixels, never
/// cut inside a word ([`wrap_words`]), the suffix kept whole at the end of the last line: when
/// the whole does not fit, the name's last line is cut after a whole word with `…` to leave the
/// suffix room.
pub(crate) fn wrap_with_suffix(
    name: &str,
    suffix: &str,
    size: f64,
    width: f64,
    max_lines: usize,
) -> Vec<String> {
    let full = format!("{name} {suffix}");
    let whole = wrap_words(full.trim_end(), size, width, max_lines);
    if suffix.is_empty() || whole.last().is_none_or(|l| !l.ends_with('…')) {
        return whole;
    }
    let suffix = format!(" {suffix}");
    let with_suffix = |last: &str| text_width(&format!("{last}{suffix}"), size, false) <= width;
    let mut lines = wrap_words(name, size, width, max_lines);
    if !lines.last().is_some_and(|last| with_suffix(last)) {
        // The lines before the last stay; the rest of the name is cut on the last line to leave
        // room for the suffix.
        let room = width - text_width(&suffix, size, false);
        let kept = &lines[..lines.len().saturating_sub(1)];
        let before = kept
            .iter()
            .fold(String::new(), |acc, line| join_lines(&acc, line));
        let rest = name
            .strip_prefix(before.as_str())
            .map(str::trim_start)
            .unwrap_or("");
        lines = match wrap_words(rest, size, room, 1).first() {
            Some(last) if !kept.is_empty() && !rest.is_empty() => {
                let mut lines = kept.to_vec();
                lines.push(last.clone());
                lines
            }
            _ => wrap_words(name, size, room, max_lines),
        };
    }
    if let Some(last) = lines.last_mut() {
        last.push_str(&suffix);
    }
    lines
}

/// The caption sentence for papers a figure leaves out ("" when none are): " 3 papers without
/// a year are left out."
pub(crate) fn left_out(count: usize, why: &str) -> String {
    match count {
        0 => String::new(),
        1 => format!(" 1 paper {why} is left out."),
        n => format!(" {n} papers {why} are left out."),
    }
}

/// The caption sentence (and in-figure note) for `--hide-unspecified`: " Unspecified is hidden
/// (12 papers without a mechanism badge are left out)." `count` = 0 still says it is hidden.
pub(crate) fn unspecified_hidden(count: usize) -> String {
    match count {
        0 => " Unspecified (no mechanism badge) is hidden.".to_string(),
        1 => " Unspecified is hidden: 1 paper without a mechanism badge is left out.".to_string(),
        n => format!(" Unspecified is hidden: {n} papers without a mechanism badge are left out."),
    }
}

/// The note under a plot for `--hide-unspecified`, short enough for one line of a one-column
/// figure: "Unspecified hidden: 12 papers without a mechanism badge left out."
pub(crate) fn unspecified_note(count: usize) -> String {
    match count {
        1 => "Unspecified hidden: 1 paper without a mechanism badge left out.".to_string(),
        n => format!("Unspecified hidden: {n} papers without a mechanism badge left out."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::charts::style::ensure_fonts;

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        ensure_fonts().unwrap();
        let long = "An extraordinarily long title about token pruning in vision transformers";
        let cut = fit_text(long, 35.0, false, 300.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(text_width(&cut, 35.0, false) <= 300.0);
        assert_eq!(fit_text("short", 35.0, false, 300.0), "short");
        // Never a word cut short while a whole one fits.
        let room = text_width("Deformable Convolutional…", 35.0, false) - 1.0;
        assert_eq!(
            fit_text("Deformable Convolutional Networks", 35.0, false, room),
            "Deformable…"
        );
        let lines = wrap_text(long, 35.0, false, 400.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(l, 35.0, false) <= 400.0));
    }

    /// Whether `lines` (a label) is `text` or a prefix of it ending at a word boundary.
    fn whole_words(text: &str, lines: &[String]) -> bool {
        let joined = lines.iter().fold(String::new(), |acc, l| {
            if acc.is_empty() || acc.ends_with('-') {
                acc + l
            } else {
                acc + " " + l
            }
        });
        let prefix = joined.trim_end_matches('…');
        text.starts_with(prefix)
            && (prefix.len() == text.len() || text[prefix.len()..].starts_with(' '))
    }

    #[test]
    fn word_wrapping_never_cuts_a_word() {
        ensure_fonts().unwrap();
        let titles = [
            "What is linguistic redundancy in natural language processing",
            "Structural-Jump-LSTM",
            "Supercalifragilisticexpialidocious models for token pruning",
            "Spying on your neighbors: fine-grained probing of contextual embeddings",
            "A",
            "",
        ];
        for title in titles {
            for width in [60.0, 150.0, 260.0, 400.0, 2000.0] {
                for lines in 1..=3 {
                    let wrapped = wrap_words(title, 32.0, width, lines);
                    assert!(wrapped.len() <= lines, "{title} {width} {wrapped:?}");
                    assert!(whole_words(title, &wrapped), "{title} {width} {wrapped:?}");
                    // A line is too wide only when it is one word that alone is.
                    for line in &wrapped {
                        let bare = line.trim_end_matches('…');
                        assert!(
                            text_width(line, 32.0, false) <= width || !bare.contains(' '),
                            "{title} {width} {wrapped:?}"
                        );
                    }
                }
            }
        }
        // Room for all of it on two lines: nothing is cut.
        let two = wrap_words(titles[0], 32.0, 600.0, 2);
        assert_eq!(two.join(" "), titles[0]);
    }

    #[test]
    fn a_wrapped_label_keeps_its_suffix_and_whole_words() {
        ensure_fonts().unwrap();
        let name = "Prompt compression and contrastive conditioning for controllability";
        for width in [200.0, 300.0, 450.0, 2000.0] {
            let lines = wrap_with_suffix(name, "(2022)", 35.0, width, 2);
            assert!(lines.len() <= 2, "{lines:?}");
            let last = lines.last().unwrap();
            assert!(last.ends_with(" (2022)"), "{width}: {lines:?}");
            let mut bare: Vec<String> = lines.clone();
            *bare.last_mut().unwrap() = last.trim_end_matches(" (2022)").to_string();
            assert!(whole_words(name, &bare), "{width}: {lines:?}");
            // Too wide only when one word and the suffix alone are: the word is kept whole.
            for line in &lines {
                let words = line.trim_end_matches(" (2022)").split(' ').count();
                assert!(
                    text_width(line, 35.0, false) <= width || words == 1,
                    "{width}: {lines:?}"
                );
            }
        }
        assert_eq!(
            wrap_with_suffix("Short", "(2020)", 35.0, 2000.0, 2),
            ["Short (2020)"]
        );
    }

    #[test]
    fn cut_labels_keep_their_year_and_stay_apart() {
        ensure_fonts().unwrap();
        let cut = fit_with_suffix(
            "A rather long title about token merging",
            "(2023)",
            35.0,
            300.0,
        );
        assert!(cut.ends_with("… (2023)"), "{cut}");
        let labels = [
            ("Recent token reduction study 10", "(2026)"),
            ("Recent token reduction study 11", "(2025)"),
            ("Recent token reduction study 3", "(2026)"),
        ];
        let width = text_width("Recent token reduction study 3 (2026)", 35.0, false);
        let fitted = fit_labels(&labels, 35.0, width);
        assert_eq!(fitted[2], "Recent token reduction study 3 (2026)");
        assert!(fitted[0].ends_with("… 10 (2026)"), "{fitted:?}");
        assert!(fitted[1].ends_with("… 11 (2025)"), "{fitted:?}");
        assert!(fitted
            .iter()
            .all(|f| text_width(f, 35.0, false) <= width + 0.5));
    }

    #[test]
    fn chinese_and_japanese_break_between_ideographs_but_not_before_closing_marks() {
        assert_eq!(
            ideographic_parts("视觉Transformer的令牌剪枝"),
            ["视", "觉", "Transformer", "的", "令", "牌", "剪", "枝"]
        );
        assert_eq!(ideographic_parts("剪枝。"), ["剪", "枝。"]);
        assert_eq!(ideographic_parts("（剪枝）"), ["（剪", "枝）"]);
        assert_eq!(ideographic_parts("Token-pruning"), ["Token-pruning"]);
        assert_eq!(join_lines("视觉", "Transformer"), "视觉Transformer");
        assert_eq!(join_lines("Token", "pruning"), "Token pruning");
        assert_eq!(join_lines("Token-", "pruning"), "Token-pruning");
        // Pieces of a title in Chinese with a Latin word in it, and an English title after.
        let pieces = break_pieces("令牌剪枝 for ViT-B");
        let texts: Vec<&str> = pieces.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(texts, ["令", "牌", "剪", "枝", "for", "ViT-", "B"]);
        assert!(pieces[4].1);
        assert!(!pieces[1].1);
    }
}
