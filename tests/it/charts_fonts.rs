//! Figures whose paper titles are in scripts DejaVu Sans lacks: a Chinese title and one with
//! emoji are drawn with a system font that has them (Noto Sans CJK, Symbola: `.ci/setup`
//! installs both), in the SVG's font list, the PNG's pixels and the PDF's embedded fonts.

use std::path::Path;

use citegraph::analysis::Analysis;
use citegraph::render::charts::{self, Figure};
use citegraph::render::{RenderOptions, View};

use crate::render_support::{self, sample::sample_analysis_with};

const CHINESE: &str = "视觉Transformer的令牌剪枝";
const EMOJI: &str = "🚀 Rocket pruning for fast vision transformers 🔥";

/// A small analysis whose two most influential papers and first missing paper carry the titles.
fn analysis_with_titles(chinese: &str, emoji: &str) -> Analysis {
    let mut analysis = sample_analysis_with(40, 4, 3);
    let top = analysis
        .influential
        .iter()
        .map(|p| p.score)
        .filter(|s| s.is_finite())
        .fold(0.0, f64::max);
    for (i, title) in [chinese, emoji].into_iter().enumerate() {
        let paper = &mut analysis.influential[i];
        paper.title = title.to_string();
        paper.abbreviation = None;
        paper.score = top + 2.0 - i as f64;
    }
    let best = analysis.missing.iter().map(|m| m.score).fold(0.0, f64::max);
    analysis.missing[0].title = chinese.to_string();
    analysis.missing[0].score = best + 1.0;
    analysis
}

fn draw(analysis: &Analysis, formats: &[&str]) -> Vec<Figure> {
    let options = RenderOptions {
        figures: render_support::figure_kinds(&["top-influential", "missing"]),
        format: render_support::figure_formats(formats),
        width: 1050,
        ..RenderOptions::default()
    };
    charts::draw_figures(&View::new(analysis, &options)).unwrap()
}

/// Dark pixels (any channel under 128) of a PNG.
fn ink(png: &[u8]) -> usize {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let channels = frame.color_type.samples();
    pixels[..frame.buffer_size()]
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&v| v < 128))
        .count()
}

/// The SVG's `<text>` elements: (font-family, x, text), in document order.
fn svg_texts(svg: &str) -> Vec<(String, f64, String)> {
    let document = roxmltree::Document::parse(svg).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            (
                n.attribute("font-family").unwrap_or_default().to_string(),
                n.attribute("x").unwrap().parse().unwrap(),
                n.text().unwrap_or_default().trim().to_string(),
            )
        })
        .collect()
}

fn run(tool: &str, pdf: &Path) -> String {
    let out = std::process::Command::new(tool)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, installed by .ci/setup): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_character_of_the_titles_has_a_font() {
    for text in [CHINESE, EMOJI] {
        for c in text.chars() {
            for bold in [false, true] {
                let family = charts::font_family_for(c, bold).unwrap_or_else(|| {
                    panic!("no font draws {c}: run .ci/setup (fonts-noto-cjk, fonts-symbola)")
                });
                let expected = if c.is_ascii() {
                    "DejaVu Sans"
                } else if text == CHINESE {
                    "Noto Sans CJK SC"
                } else {
                    "Symbola"
                };
                assert_eq!(family, expected, "{c}");
            }
        }
    }
}

#[test]
fn cjk_and_emoji_titles_are_drawn_in_svg_png_and_pdf() {
    let figures = draw(
        &analysis_with_titles(CHINESE, EMOJI),
        &["svg", "png", "pdf"],
    );
    let dir = tempfile::tempdir().unwrap();
    for figure in &figures {
        let svg = figure.svg.as_ref().unwrap();
        // The label is whole (it fits), its Chinese runs ask the viewer for the CJK family and
        // its Latin run for DejaVu, each run where the layout measured it.
        let texts = svg_texts(svg);
        let at = texts
            .windows(3)
            .position(|w| w.iter().map(|t| t.2.as_str()).collect::<String>() == CHINESE)
            .unwrap_or_else(|| panic!("{}: no text holds the Chinese title", figure.name));
        // 视觉 | Transformer | 的令牌剪枝, then the year.
        let label = &texts[at..at + 4];
        for (i, (family, x, _)) in label.iter().enumerate() {
            let expected = if i % 2 == 1 {
                "DejaVu Sans"
            } else {
                "Noto Sans CJK SC"
            };
            assert!(family.starts_with(expected), "{label:?}");
            if i > 0 {
                assert!(*x > label[i - 1].1, "runs left to right: {label:?}");
            }
        }
        let path = dir.path().join(format!("{}.pdf", figure.name));
        std::fs::write(&path, figure.pdf.as_ref().unwrap()).unwrap();
        let text = run("pdftotext", &path);
        assert!(text.contains(CHINESE), "{}: {text}", figure.name);
        let fonts = run("pdffonts", &path);
        let cjk: Vec<&str> = fonts
            .lines()
            .filter(|l| l.contains("NotoSansCJK"))
            .collect();
        assert!(!cjk.is_empty(), "{}: {fonts}", figure.name);
        for line in cjk {
            // name, type..., then emb sub uni: embedded as a subset, with its Unicode map.
            assert!(line.contains(" yes yes yes "), "{line}");
        }
    }
    let top = &figures[0];
    assert_eq!(top.name, "top-influential");
    let texts = svg_texts(top.svg.as_ref().unwrap());
    let rocket = texts
        .iter()
        .position(|t| t.2 == "🚀")
        .expect("the emoji is drawn");
    assert!(
        texts[rocket].0.starts_with("Symbola"),
        "{:?}",
        texts[rocket]
    );
    assert!(
        texts[rocket + 1].2.starts_with("Rocket pruning"),
        "{texts:?}"
    );
    let path = dir.path().join("top-influential.pdf");
    assert!(run("pdffonts", &path).contains("Symbola"));

    // The PNG draws the glyphs: the same figures with titles of characters no font has (left
    // out, so nothing is drawn for them) have clearly less ink where the CJK and emoji were.
    let blank = "\u{10FFFD}".repeat(CHINESE.chars().count());
    let no_emoji = EMOJI.replace(['🚀', '🔥'], "\u{10FFFD}");
    let without = draw(&analysis_with_titles(&blank, &no_emoji), &["png"]);
    for (with, without) in figures.iter().zip(&without) {
        let (a, b) = (
            ink(with.png.as_ref().unwrap()),
            ink(without.png.as_ref().unwrap()),
        );
        assert!(
            a > b + 300,
            "{}: {a} dark pixels with, {b} without",
            with.name
        );
    }
}
