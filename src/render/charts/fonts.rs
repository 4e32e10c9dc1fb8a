//! The font chain every figure measures and draws its text with, one character at a time:
//! the bundled DejaVu Sans first, then the system's fonts for the scripts DejaVu lacks.
//!
//! DejaVu Sans (bundled, `assets/fonts/`) draws Latin, Greek, Cyrillic and most symbols, so a
//! figure in those scripts never depends on the machine. A character DejaVu has no glyph for
//! (Chinese, Japanese and Korean titles, emoji) is drawn with the first font of [`GROUPS`] found
//! on the system that has an outline for it: Noto Sans CJK (Debian `fonts-noto-cjk`) for CJK,
//! Symbola (Debian `fonts-symbola`, monochrome) for emoji. Colour-only emoji fonts (Noto Color
//! Emoji keeps bitmaps, no outlines) are passed over: the PNG is drawn from outlines. The system
//! fonts are looked up once per process, and only when a text needs one (fontdb's
//! `load_system_fonts`: the usual font folders and fontconfig's), so a figure in Latin text reads
//! no system font and stays byte for byte the same on every machine.
//!
//! A character no font of the chain has is left out of the drawn text (measured and drawn alike,
//! so nothing is drawn as an empty box, the "tofu" of a missing glyph), and a warning names the
//! package that brings a font for it, once per run and kind of script. Invisible characters
//! (variation selectors, zero-width joiners, control characters) are left out silently.
//!
//! The same chain serves the three formats: [`Face`] glyphs for the PNG (canvas.rs), the same
//! faces in the font database usvg sets the PDF with (encode.rs), and in the SVG, one `<text>` a
//! run of characters of one face, placed where the layout measured it, whose `font-family`
//! names that face and then [`FALLBACK_FAMILIES`], for the viewer.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use ab_glyph::{Font, FontRef, PxScale};
use svg2pdf::usvg::fontdb;

use super::style::{DEJAVU_SANS, DEJAVU_SANS_BOLD};

/// The `font-family` an SVG text in a fallback face asks for after that face's own family: the
/// CJK families of the usual systems (Noto Sans CJK and Source Han Sans on Linux, PingFang on
/// macOS, Microsoft YaHei on Windows), then monochrome emoji fonts.
pub(crate) const FALLBACK_FAMILIES: [&str; 8] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "Symbola",
    "Noto Emoji",
    "sans-serif",
];

/// A kind of script DejaVu lacks: the system families that draw it, best first (the first one
/// found is used), and the Debian package that brings the first.
pub(crate) struct Group {
    pub name: &'static str,
    pub families: &'static [&'static str],
    pub package: &'static str,
}

/// The fallback fonts, in the order the chain tries them after DejaVu Sans. Simplified Chinese
/// comes first among the CJK faces: most CJK titles in the lists citegraph reads are Chinese.
pub(crate) const GROUPS: [Group; 2] = [
    Group {
        name: "CJK",
        families: &[
            "Noto Sans CJK SC",
            "Source Han Sans SC",
            "Noto Sans CJK JP",
            "Noto Sans CJK TC",
            "Noto Sans CJK KR",
            "Noto Sans SC",
            "WenQuanYi Zen Hei",
            "WenQuanYi Micro Hei",
            "Droid Sans Fallback",
        ],
        package: "fonts-noto-cjk",
    },
    Group {
        name: "emoji and symbols",
        families: &["Symbola", "Noto Emoji", "Noto Sans Symbols2"],
        package: "fonts-symbola",
    },
];

/// One face of the chain: its glyphs, where it came from, and its size convention.
pub(crate) struct Face {
    pub font: FontRef<'static>,
    /// The family name ("DejaVu Sans", "Noto Sans CJK SC").
    pub family: String,
    /// The font file's bytes (a whole collection for a `.ttc`) and the face's index in it, for
    /// usvg's font database (the PDF).
    pub data: &'static [u8],
    pub index: u32,
    /// The SVG's `font-family` for a run of text in this face: `DejaVu Sans, sans-serif` for
    /// DejaVu; for a fallback face its family, then [`FALLBACK_FAMILIES`].
    pub css_family: &'static str,
    /// ab_glyph scales a font so that its ascender-to-descender height is the requested size;
    /// the figures give sizes in DejaVu's convention. This factor turns one into the other, so
    /// that every face of the chain has the same em as DejaVu at the same size (1 for DejaVu).
    em_factor: f32,
}

impl Face {
    /// The ab_glyph scale of this face for a text of `size` (in DejaVu's convention, as
    /// [`super::canvas::TextSpec::size`]).
    pub fn scale(&self, size: f64) -> PxScale {
        PxScale::from(size as f32 * self.em_factor)
    }

    /// Whether this face draws `c`: a glyph with an outline (a space needs none).
    fn draws(&self, c: char) -> bool {
        let id = self.font.glyph_id(c);
        id.0 != 0 && (c.is_whitespace() || self.font.outline(id).is_some())
    }
}

/// ascender - descender over units per em, the scale ab_glyph uses.
fn height_per_em(font: &FontRef<'_>) -> f32 {
    font.height_unscaled() / font.units_per_em().unwrap_or(1000.0)
}

/// The bundled DejaVu Sans (regular or bold), parsed once; `None` only if the bytes compiled
/// into the binary do not parse.
pub(crate) fn dejavu(bold: bool) -> Option<&'static Face> {
    static REGULAR: OnceLock<Option<Face>> = OnceLock::new();
    static BOLD: OnceLock<Option<Face>> = OnceLock::new();
    let (cell, data) = if bold {
        (&BOLD, DEJAVU_SANS_BOLD)
    } else {
        (&REGULAR, DEJAVU_SANS)
    };
    cell.get_or_init(|| {
        let font = FontRef::try_from_slice(data).ok()?;
        Some(Face {
            font,
            family: "DejaVu Sans".to_string(),
            data,
            index: 0,
            css_family: super::style::FONT_FAMILY,
            em_factor: 1.0,
        })
    })
    .as_ref()
}

/// Characters that take no room and show nothing: control characters, zero-width spaces and
/// joiners, direction marks, variation selectors (the U+FE0F after many emoji), tags.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// The fallback faces found on this system, regular and bold, in [`GROUPS`] order.
struct Fallbacks {
    regular: Vec<Face>,
    bold: Vec<Face>,
}

static FALLBACKS: OnceLock<Fallbacks> = OnceLock::new();

/// The fallback faces, looked up on the system the first time a text needs one.
fn fallbacks() -> &'static Fallbacks {
    FALLBACKS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        discover(&db)
    })
}

/// The fallback faces the chain has loaded so far (none until a text needed one), regular then
/// bold: the faces the PDF's font database must hold besides DejaVu.
pub(crate) fn loaded_fallbacks() -> Vec<&'static Face> {
    FALLBACKS
        .get()
        .map(|f| f.regular.iter().chain(&f.bold).collect())
        .unwrap_or_default()
}

/// For each group, the first of its families that `db` has: its regular face and its bold one
/// (the regular again when the family has no bold).
fn discover(db: &fontdb::Database) -> Fallbacks {
    let mut files: HashMap<PathBuf, Option<&'static [u8]>> = HashMap::new();
    let mut fallbacks = Fallbacks {
        regular: Vec::new(),
        bold: Vec::new(),
    };
    for group in &GROUPS {
        for family in group.families {
            let mut face = |weight: fontdb::Weight| {
                let query = fontdb::Query {
                    families: &[fontdb::Family::Name(family)],
                    weight,
                    ..fontdb::Query::default()
                };
                let info = db.face(db.query(&query)?)?;
                let path = match &info.source {
                    fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => path,
                    fontdb::Source::Binary(_) => return None,
                };
                let data = *files.entry(path.clone()).or_insert_with(|| {
                    let bytes = std::fs::read(path).ok()?;
                    // Read once per process and kept for its life: every figure may need it.
                    Some(&*Box::leak(bytes.into_boxed_slice()))
                });
                let font = FontRef::try_from_slice_and_index(data?, info.index).ok()?;
                let em_factor =
                    height_per_em(&font) / dejavu(false).map_or(1.1641, |d| height_per_em(&d.font));
                let others = FALLBACK_FAMILIES.iter().filter(|&other| other != family);
                let css_family = std::iter::once(*family).chain(others.copied());
                // One string per face and process, kept for its life like the face.
                let css_family =
                    &*Box::leak(css_family.collect::<Vec<_>>().join(", ").into_boxed_str());
                Some(Face {
                    font,
                    family: family.to_string(),
                    data: data?,
                    index: info.index,
                    css_family,
                    em_factor,
                })
            };
            let Some(regular) = face(fontdb::Weight::NORMAL) else {
                continue;
            };
            // fontdb answers with the nearest weight: the regular face when there is no bold.
            if let Some(bold) = face(fontdb::Weight::BOLD) {
                fallbacks.bold.push(bold);
            }
            fallbacks.regular.push(regular);
            break;
        }
    }
    fallbacks
}

/// The fallback face chosen for a character and weight (bold or not): its index in the
/// weight's list of [`Fallbacks`], or `None` when no face has it.
type Choices = HashMap<(char, bool), Option<usize>>;

/// The face that draws `c` in this weight: DejaVu Sans when it has the character, else the
/// first fallback face that has an outline for it. `None` for an invisible character and for one
/// no face has (the latter warns once per run: see [`warn_missing`]).
pub(crate) fn face_for(c: char, bold: bool) -> Option<&'static Face> {
    if let Some(face) = dejavu(bold) {
        if face.font.glyph_id(c).0 != 0 {
            return Some(face);
        }
    }
    if invisible(c) {
        return None;
    }
    static CHOSEN: OnceLock<Mutex<Choices>> = OnceLock::new();
    let chosen = CHOSEN.get_or_init(Mutex::default);
    let faces = if bold {
        &fallbacks().bold
    } else {
        &fallbacks().regular
    };
    let index = {
        let mut chosen = chosen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *chosen
            .entry((c, bold))
            .or_insert_with(|| faces.iter().position(|face| face.draws(c)))
    };
    match index {
        Some(i) => faces.get(i),
        None => {
            warn_missing(c);
            None
        }
    }
}

/// `text` cut into runs of characters drawn by one face, in order (a character no face draws is
/// left out, as [`drawable`] does): one run for a text in DejaVu's scripts alone.
pub(crate) fn runs(text: &str, bold: bool) -> Vec<(String, &'static Face)> {
    let mut runs: Vec<(String, &'static Face)> = Vec::new();
    for c in text.chars() {
        let Some(face) = face_for(c, bold) else {
            continue;
        };
        match runs.last_mut() {
            Some((run, last)) if std::ptr::eq(*last, face) => run.push(c),
            _ => runs.push((c.to_string(), face)),
        }
    }
    runs
}

/// `text` without the characters no face draws ([`face_for`] is `None`): what is measured and
/// drawn, in every format.
pub(crate) fn drawable(text: &str, bold: bool) -> Cow<'_, str> {
    if text.chars().all(|c| face_for(c, bold).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter(|&c| face_for(c, bold).is_some())
            .collect(),
    )
}

/// The kind of script a character no font draws belongs to, for the warning: an index into
/// [`GROUPS`], or `None` for another script.
fn group_of(c: char) -> Option<usize> {
    match c {
        '\u{1100}'..='\u{11FF}'
        | '\u{2E80}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}' => Some(0),
        '\u{2190}'..='\u{2BFF}' | '\u{1F000}'..='\u{1FAFF}' => Some(1),
        _ => None,
    }
}

/// Warns, once per run and group, that a character of that group has no font and is left out.
fn warn_missing(c: char) {
    static WARNED: [AtomicBool; GROUPS.len() + 1] = [
        AtomicBool::new(false),
        AtomicBool::new(false),
        AtomicBool::new(false),
    ];
    let group = group_of(c);
    if WARNED[group.unwrap_or(GROUPS.len())].swap(true, Ordering::Relaxed) {
        return;
    }
    let code = format!("U+{:04X}", u32::from(c));
    match group.and_then(|g| GROUPS.get(g)) {
        Some(group) => tracing::warn!(
            "figures: no font on this system draws {c} ({code}, {}); such characters are left out \
             of the figures' text. Install {} (Debian/Ubuntu: apt-get install {}) to draw them",
            group.name,
            group.families[0],
            group.package
        ),
        None => tracing::warn!(
            "figures: neither DejaVu Sans nor a fallback font ({}) draws {c} ({code}); such \
             characters are left out of the figures' text",
            GROUPS
                .iter()
                .map(|g| g.families[0])
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::ScaleFont;

    #[test]
    fn latin_is_dejavu_and_invisible_characters_are_left_out() {
        let dejavu = dejavu(false).unwrap();
        for c in "Token pruning, ViT-B/16: 3×3 αβγ — “quoted” ü".chars() {
            assert!(std::ptr::eq(face_for(c, false).unwrap(), dejavu), "{c}");
        }
        assert_eq!(runs("Plain Latin title (2021)", false).len(), 1);
        // DejaVu draws the joiner and the variation selector (as nothing); what it lacks of the
        // invisible characters is left out without a fallback.
        assert_eq!(
            drawable("a\u{200D}b\u{FE0F}c\u{0}", false),
            "a\u{200D}b\u{FE0F}c"
        );
        assert_eq!(drawable("a\u{E0061}b\u{E0100}", false), "ab");
        assert!(matches!(drawable("Plain", true), Cow::Borrowed(_)));
    }

    /// The glyph's coverage on a 96 x 96 grid, baseline at 72: what the PNG draws for it.
    fn raster(face: &Face, id: ab_glyph::GlyphId) -> Vec<u8> {
        let mut grid = vec![0u8; 96 * 96];
        let glyph = id.with_scale_and_position(face.scale(80.0), ab_glyph::point(8.0, 72.0));
        if let Some(outline) = face.font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|x, y, coverage| {
                let (x, y) = (
                    bounds.min.x as i32 + x as i32,
                    bounds.min.y as i32 + y as i32,
                );
                if (0..96).contains(&x) && (0..96).contains(&y) {
                    grid[y as usize * 96 + x as usize] = (coverage.min(1.0) * 255.0) as u8;
                }
            });
        }
        grid
    }

    fn ink(grid: &[u8]) -> usize {
        grid.iter().filter(|&&v| v > 127).count()
    }

    /// Needs the system fonts `.ci/setup` installs (fonts-noto-cjk, fonts-symbola).
    #[test]
    fn cjk_and_emoji_are_drawn_with_real_glyphs_not_the_missing_glyph_box() {
        let notdef = raster(dejavu(false).unwrap(), ab_glyph::GlyphId(0));
        assert!(
            ink(&notdef) > 0,
            "DejaVu's .notdef is the box a missing glyph shows"
        );
        for (text, family) in [
            ("视觉Transformer的令牌剪枝", "Noto Sans CJK SC"),
            ("トークン 토큰", "Noto Sans CJK SC"),
            ("🚀🤖🔥", "Symbola"),
        ] {
            for bold in [false, true] {
                for c in text.chars().filter(|c| !c.is_ascii()) {
                    let face = face_for(c, bold).unwrap_or_else(|| {
                        panic!("no font draws {c}: run .ci/setup (fonts-noto-cjk, fonts-symbola)")
                    });
                    assert_eq!(face.family, family, "{c}");
                    let id = face.font.glyph_id(c);
                    assert_ne!(id.0, 0, "{c} is the .notdef glyph of {}", face.family);
                    let drawn = raster(face, id);
                    // Ink, and not the box: neither DejaVu's nor the face's own .notdef.
                    assert!(ink(&drawn) > 40, "{c}: {} inked pixels", ink(&drawn));
                    assert_ne!(drawn, notdef, "{c}");
                    assert_ne!(drawn, raster(face, ab_glyph::GlyphId(0)), "{c}");
                }
            }
        }
        // The bold CJK text is set in the bold face when the system has one (another file).
        let (bold, regular) = (
            face_for('视', true).unwrap(),
            face_for('视', false).unwrap(),
        );
        assert_ne!(bold.data.as_ptr(), regular.data.as_ptr());
        let runs: Vec<(String, &str)> = runs("视觉Transformer的剪枝 🚀", false)
            .into_iter()
            .map(|(run, face)| (run, face.css_family))
            .collect();
        let cjk = "Noto Sans CJK SC, Source Han Sans SC, Noto Sans SC, PingFang SC, \
                   Microsoft YaHei, Symbola, Noto Emoji, sans-serif";
        let emoji = "Symbola, Noto Sans CJK SC, Source Han Sans SC, Noto Sans SC, PingFang SC, \
                     Microsoft YaHei, Noto Emoji, sans-serif";
        assert_eq!(
            runs,
            [
                ("视觉".to_string(), cjk),
                ("Transformer".to_string(), "DejaVu Sans, sans-serif"),
                ("的剪枝".to_string(), cjk),
                (" ".to_string(), "DejaVu Sans, sans-serif"),
                ("🚀".to_string(), emoji),
            ]
        );
        // The same em as DejaVu: an ideograph is about one em wide (DejaVu's em = size / 1.1641).
        let face = face_for('视', false).unwrap();
        let advance = face
            .font
            .as_scaled(face.scale(116.41))
            .h_advance(face.font.glyph_id('视'));
        assert!((advance - 100.0).abs() < 1.0, "{advance}");
    }

    #[test]
    fn a_character_no_font_has_is_left_out_not_drawn_as_a_box() {
        // A private-use character of plane 16: no font of the chain has it.
        let text = "Pruning \u{10FFFD} tokens";
        assert!(face_for('\u{10FFFD}', false).is_none());
        assert_eq!(drawable(text, false), "Pruning  tokens");
    }

    #[test]
    fn scripts_are_grouped_for_the_warning() {
        assert_eq!(group_of('视'), Some(0));
        assert_eq!(group_of('한'), Some(0));
        assert_eq!(group_of('カ'), Some(0));
        assert_eq!(group_of('🚀'), Some(1));
        assert_eq!(group_of('ก'), None);
    }
}
