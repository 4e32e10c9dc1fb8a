//! The survey figures: every figure drawn as SVG and PNG, both valid, both carrying their text;
//! `--figures`, `--format` and `--width` honoured; awkward analyses drawn without a panic.

use crate::render_support::{self, sample};

use std::collections::BTreeMap;
use std::path::Path;

use citegraph::analysis::{
    Analysis, Flow, GroupStats, InfluentialPaper, MissingKind, MissingPaper, PaperMetrics,
};
use citegraph::render::charts::{self, Figure, Palette, FIGURE_NAMES};
use citegraph::render::{RenderOptions, View};
use sample::{sample_analysis, sample_analysis_with};

/// Draws the figures in the analysis' own palette, as the render stage does.
fn draw_figures(analysis: &Analysis, options: &RenderOptions) -> anyhow::Result<Vec<Figure>> {
    charts::draw_figures(&View::new(analysis, options))
}

fn options(figures: &[&str], format: &[&str], width: u32) -> RenderOptions {
    RenderOptions {
        figures: render_support::figure_kinds(figures),
        format: render_support::figure_formats(format),
        width,
        with_missing: 10,
        dot_all: false,
        ..RenderOptions::default()
    }
}

fn all() -> RenderOptions {
    options(&["all"], &["svg", "png"], 1050)
}

struct Png {
    width: u32,
    height: u32,
    /// RGB or RGBA rows, as decoded.
    pixels: Vec<u8>,
    channels: usize,
    dpi: Option<f64>,
}

fn read_png(bytes: &[u8]) -> Png {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(frame.buffer_size());
    let dpi = reader.info().pixel_dims.map(|d| {
        assert_eq!(d.unit, png::Unit::Meter);
        f64::from(d.xppu) * 0.0254
    });
    Png {
        width: frame.width,
        height: frame.height,
        channels: frame.color_type.samples(),
        pixels,
        dpi,
    }
}

impl Png {
    /// Pixels darker than light gray in the band of rows [y0, y1).
    fn dark_pixels(&self, y0: u32, y1: u32) -> usize {
        let row = self.width as usize * self.channels;
        (y0.min(self.height)..y1.min(self.height))
            .flat_map(|y| {
                self.pixels[y as usize * row..(y as usize + 1) * row].chunks(self.channels)
            })
            .filter(|p| p.iter().take(3).all(|&c| c < 128))
            .count()
    }
}

/// Parses the SVG (panics if it is not well-formed XML) and returns its size and all its text.
fn read_svg(raw: &str) -> (u32, u32, String, String) {
    let doc = roxmltree::Document::parse(raw)
        .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{raw}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    // The drawing's pixels are the viewBox; width and height give the printed size at 300 dpi.
    let view_box: Vec<u32> = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let size = |name: &str| {
        let value = root.attribute(name).unwrap();
        let inches: f64 = value.strip_suffix("in").unwrap().parse().unwrap();
        let pixels = if name == "width" {
            view_box[2]
        } else {
            view_box[3]
        };
        assert!(
            (inches * 300.0 - f64::from(pixels)).abs() < 0.05,
            "{name}={value}"
        );
        pixels
    };
    let text: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        // DejaVu Sans, or for a run of characters DejaVu lacks the system font that has them
        // (charts_fonts.rs tests those).
        let family = node.attribute("font-family").unwrap_or_default();
        let text = node.text().unwrap_or_default().trim();
        assert!(
            family == "DejaVu Sans, sans-serif"
                || text.chars().all(|c| charts::font_family_for(c, false)
                    .is_some_and(|f| f != "DejaVu Sans" && family.starts_with(&f))),
            "{family}: {text:?}"
        );
    }
    (
        size("width"),
        size("height"),
        text.join("\n"),
        raw.to_string(),
    )
}

fn check_figure(figure: &Figure, width: u32) {
    let svg = figure.svg.as_ref().expect("an SVG");
    let png = figure.png.as_ref().expect("a PNG");
    let paths: Vec<_> = figure
        .files()
        .into_iter()
        .map(|f| f.relative_path)
        .collect();
    assert_eq!(
        paths,
        [
            Path::new("figures").join(format!("{}.svg", figure.name)),
            Path::new("figures").join(format!("{}.png", figure.name))
        ]
    );
    let (w, h, text, _) = read_svg(svg);
    assert_eq!(w, width);
    assert!(
        text.contains(&figure.title),
        "{}: no title in the SVG",
        figure.name
    );
    let image = read_png(png);
    assert_eq!((image.width, image.height), (w, h), "{}", figure.name);
    assert!((image.dpi.unwrap() - 300.0).abs() < 0.1);
    // The title is drawn in the PNG: dark pixels in the top band, from the bundled font (its
    // size in points is the same at every width).
    assert!(
        image.dark_pixels(0, 100) > 200,
        "{}: no title text in the PNG",
        figure.name
    );
    assert!(!figure.caption.is_empty());
}

#[test]
fn every_figure_is_written_as_valid_svg_and_png() {
    let analysis = sample_analysis();
    let figures = draw_figures(&analysis, &all()).unwrap();
    let names: Vec<&str> = figures.iter().map(|f| f.name).collect();
    assert_eq!(names, FIGURE_NAMES);
    for figure in &figures {
        check_figure(figure, 1050);
    }
}

#[test]
fn svgs_carry_their_labels_escaped() {
    let analysis = sample_analysis();
    let figures = draw_figures(&analysis, &all()).unwrap();
    let svg = |name: &str| {
        let figure = figures.iter().find(|f| f.name == name).unwrap();
        read_svg(figure.svg.as_ref().unwrap())
    };
    // Legends and axes name the mechanisms and domains, in the mechanism's own colour.
    let (_, _, text, raw) = svg("papers-per-year");
    for label in [
        "Token Pruning",
        "Pooling & Downsampling",
        "Unspecified",
        "Other",
        "Papers",
    ] {
        assert!(
            text.lines().any(|l| l == label),
            "no {label:?} in the legend"
        );
    }
    let (r, g, b) = Palette::new(&analysis).color_of(&analysis.mechanisms[0].name);
    assert!(raw.contains(&format!("fill=\"#{r:02X}{g:02X}{b:02X}\"")));
    assert!(raw.contains(">\nPooling &amp; Downsampling\n<"));
    let (_, _, text, _) = svg("mechanism-domain");
    for label in ["Vision", "Language", "Other", "Domain", "Mechanism"] {
        assert!(
            text.lines().any(|l| l == label),
            "no {label:?} in the heat map"
        );
    }
    // Titles with markup characters are escaped in the file and intact in the document.
    let (_, _, text, raw) = svg("missing");
    assert!(text.contains("Efficient <Sparse> Attention"), "{text}");
    assert!(raw.contains("Efficient &lt;Sparse&gt; Attention"));
    assert!(text.contains("Über effiziente"));
    assert!(text.contains("Predicted mechanism"));
    let (_, _, text, _) = svg("citation-distribution");
    assert!(text.contains("Citations from the catalogue"));
}

#[test]
fn figures_format_and_width_are_honoured() {
    let analysis = sample_analysis();
    // Asked out of order: returned in the fixed order, only those, only SVG.
    let figures = draw_figures(
        &analysis,
        &options(&["missing", "communities"], &["svg"], 1400),
    )
    .unwrap();
    let names: Vec<&str> = figures.iter().map(|f| f.name).collect();
    assert_eq!(names, ["communities", "missing"]);
    for figure in &figures {
        assert!(figure.png.is_none());
        let (w, _, _, _) = read_svg(figure.svg.as_ref().unwrap());
        assert_eq!(w, 1400);
    }
    // The render stage writes exactly those files.
    let dir = tempfile::tempdir().unwrap();
    citegraph::render::render(
        &analysis,
        &options(&["missing", "communities"], &["svg"], 1400),
        dir.path(),
    )
    .unwrap();
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("figures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["communities.svg", "missing.svg"]);

    let figures = draw_figures(&analysis, &options(&["papers-per-year"], &["png"], 700)).unwrap();
    assert_eq!(figures.len(), 1);
    assert!(figures[0].svg.is_none());
    assert_eq!(read_png(figures[0].png.as_ref().unwrap()).width, 700);
}

/// Runs a poppler tool on a PDF; poppler-utils is a test requirement (`.ci/setup` installs it).
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed to read the PDFs: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pdfs_are_vector_pages_of_the_figure_size_with_dejavu_embedded() {
    let analysis = sample_analysis();
    let figures = draw_figures(
        &analysis,
        &options(&["top-influential", "missing"], &["pdf"], 1050),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for figure in &figures {
        // Only the PDF was asked for.
        assert!(figure.svg.is_none() && figure.png.is_none());
        let files = figure.files();
        assert_eq!(files.len(), 1);
        assert_eq!(
            files[0].relative_path,
            Path::new("figures").join(format!("{}.pdf", figure.name))
        );
        let path = dir.path().join(format!("{}.pdf", figure.name));
        std::fs::write(&path, &files[0].contents).unwrap();
        // A real reader finds the text (so it is text, not pixels) and the page size: 3.5 in.
        let text = poppler("pdftotext", &[], &path);
        assert!(text.contains(&figure.title), "{}: {text}", figure.name);
        let info = std::process::Command::new("pdfinfo")
            .arg(&path)
            .output()
            .unwrap();
        let info = String::from_utf8(info.stdout).unwrap();
        assert!(info.contains("Page size:       252 x "), "{info}");
        // pdffonts writes to stdout only; its "-" argument is not a file name.
        let fonts = std::process::Command::new("pdffonts")
            .arg(&path)
            .output()
            .unwrap();
        let fonts = String::from_utf8(fonts.stdout).unwrap();
        let dejavu: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
        assert!(!dejavu.is_empty(), "{fonts}");
        for line in dejavu {
            // name, type..., then emb sub uni: every DejaVu face embedded as a subset.
            assert!(line.contains(" yes yes "), "{line}");
        }
    }
}

#[test]
fn bad_options_are_refused_with_the_choices() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    // Figure names and formats are enums: an unknown name has no value to pass (the command
    // line refuses it at parse time, `cli::tests`); the width is the one number left to check.
    assert_eq!(citegraph::render::FigureKind::from_name("pie-chart"), None);
    let err = format!(
        "{:#}",
        citegraph::render::render(&analysis, &options(&["all"], &["svg"], 10), dir.path())
            .unwrap_err()
    );
    assert!(err.contains("--width") && err.contains("600"), "{err}");
    // Nothing is written when the options are refused.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Draws every figure and checks them. With `CITEGRAPH_KEEP_FIGURES=DIR` the figures stay in
/// DIR/NAME for looking at.
fn draws_cleanly(name: &str, analysis: &Analysis, width: u32) {
    let figures = draw_figures(analysis, &options(&["all"], &["svg", "png"], width))
        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    assert_eq!(figures.len(), FIGURE_NAMES.len(), "{name}");
    if let Some(keep) = std::env::var_os("CITEGRAPH_KEEP_FIGURES") {
        let dir = Path::new(&keep).join(name.replace(' ', "-"));
        for file in figures.iter().flat_map(Figure::files) {
            let path = dir.join(&file.relative_path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.contents).unwrap();
        }
    }
    for figure in &figures {
        check_figure(figure, width);
    }
}

/// Draws every figure of the sample into `CITEGRAPH_PREVIEW_DIR` (default
/// /tmp/citegraph-figures) for looking at: `cargo test --test charts preview -- --ignored`.
#[test]
#[ignore]
fn preview() {
    let dir = std::env::var_os("CITEGRAPH_PREVIEW_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/tmp/citegraph-figures"));
    let width = std::env::var("CITEGRAPH_PREVIEW_WIDTH")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(1050);
    let figures = draw_figures(
        &sample_analysis(),
        &options(&["all"], &["svg", "png"], width),
    )
    .unwrap();
    for figure in figures {
        for file in figure.files() {
            let path = dir.join(&file.relative_path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.contents).unwrap();
        }
        println!("{}: {}", figure.name, figure.caption);
    }
}

#[test]
fn an_empty_analysis_gives_eight_empty_figures() {
    draws_cleanly("empty", &Analysis::default(), 1050);
}

#[test]
fn one_mechanism_and_sixty_mechanisms() {
    draws_cleanly("one mechanism", &sample_analysis_with(40, 1, 1), 1050);
    let many = sample_analysis_with(600, 60, 2);
    assert!(many.mechanisms.len() > 40);
    draws_cleanly("sixty mechanisms", &many, 1050);
}

#[test]
fn a_single_year_and_a_single_paper() {
    let mut one_year = sample_analysis_with(30, 5, 3);
    for paper in &mut one_year.papers {
        paper.year = Some(2024);
    }
    draws_cleanly("one year", &one_year, 1050);
    draws_cleanly("one paper", &sample_analysis_with(1, 2, 4), 1050);
}

#[test]
fn non_finite_values_and_hostile_titles() {
    let mut analysis = sample_analysis_with(80, 9, 5);
    let hostile = "A \"title\" with <tags> & ampersands,\nnewlines,\ttabs, a NUL \u{0} and \
                   𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — also far, far too long to ever fit on one line of a \
                   one-column figure in a two-column paper, however small the font";
    for (i, paper) in analysis.papers.iter_mut().enumerate() {
        match i % 4 {
            0 => paper.pagerank = f64::NAN,
            1 => paper.pagerank = f64::INFINITY,
            2 => paper.pagerank = -1.0,
            _ => {}
        }
        paper.title = hostile.to_string();
        paper.abbreviation = None;
    }
    for paper in &mut analysis.influential {
        paper.score = if paper.rank % 3 == 0 {
            f64::NAN
        } else {
            paper.score
        };
        paper.title = hostile.to_string();
        paper.abbreviation = None;
    }
    for missing in &mut analysis.missing {
        missing.title = hostile.to_string();
        missing.score = if missing.score > 0.5 {
            f64::INFINITY
        } else {
            missing.score
        };
        missing.predicted_mechanism = "a mechanism nobody listed".to_string();
    }
    analysis.summary.nmi = None;
    analysis.summary.homophily = f64::NEG_INFINITY;
    analysis.flow.shares = vec![vec![f64::NAN; 3]; 2];
    draws_cleanly("hostile", &analysis, 1050);

    // Mechanisms, domains and flow labels that are themselves hostile.
    let mut analysis = sample_analysis_with(60, 6, 6);
    let rename = |name: &str| format!("{name} <&> \"{}\"", "x".repeat(80));
    for group in &mut analysis.mechanisms {
        group.name = rename(&group.name);
    }
    for label in &mut analysis.flow.labels {
        *label = rename(label);
    }
    for paper in &mut analysis.papers {
        for m in &mut paper.mechanisms {
            *m = rename(m);
        }
        for d in &mut paper.domains {
            *d = format!("{d}\n<Domain>");
        }
    }
    analysis.domains.clear();
    draws_cleanly("hostile labels", &analysis, 1050);
}

#[test]
fn inconsistent_tables_do_not_panic() {
    // Flow rows shorter than its labels, mechanisms the papers do not use, missing papers with
    // no title, influential papers with no mechanism.
    let analysis = Analysis {
        papers: vec![PaperMetrics {
            paper_id: "p".to_string(),
            in_catalog: true,
            mechanisms: vec![],
            domains: vec![],
            pagerank: 0.5,
            ..PaperMetrics::default()
        }],
        mechanisms: vec![GroupStats {
            name: "ghost".to_string(),
            papers: 9,
            papers_per_year: BTreeMap::from([(2020, 9)]),
            ..GroupStats::default()
        }],
        flow: Flow {
            labels: vec!["ghost".to_string(), "nobody".to_string()],
            counts: vec![vec![3]],
            shares: vec![],
        },
        influential: vec![InfluentialPaper {
            rank: 1,
            score: 1.0,
            ..InfluentialPaper::default()
        }],
        missing: vec![MissingPaper {
            kind: MissingKind::Candidate,
            score: 0.0,
            ..MissingPaper::default()
        }],
        ..Analysis::default()
    };
    draws_cleanly("inconsistent", &analysis, 1050);
}

#[test]
fn narrow_and_wide_figures() {
    let analysis = sample_analysis();
    // The narrowest width the one WIDTH_RANGE accepts (the library took 200 before, the
    // command line 600).
    draws_cleanly("narrow", &analysis, *citegraph::render::WIDTH_RANGE.start());
    draws_cleanly("two columns wide", &analysis, 2150);
}

/// The sample with a map network: catalogue papers linked within their community (a ring and
/// chords, similarity by distance), a few links across, and the last paper left unlinked.
fn sample_with_map() -> Analysis {
    use citegraph::analysis::{MapLink, MapNetwork};
    let mut analysis = sample_analysis();
    let catalog: Vec<&PaperMetrics> = analysis.papers.iter().filter(|p| p.in_catalog).collect();
    let papers: Vec<String> = catalog.iter().map(|p| p.paper_id.clone()).collect();
    let mut by_community: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, p) in catalog.iter().enumerate().take(catalog.len() - 1) {
        by_community.entry(p.community).or_default().push(i as u32);
    }
    let mut links = Vec::new();
    for members in by_community.values() {
        for (k, &a) in members.iter().enumerate() {
            for step in 1..=3 {
                if let Some(&b) = members.get(k + step) {
                    links.push(MapLink {
                        a: a.min(b),
                        b: a.max(b),
                        cocitation: 0.2,
                        coupling: 0.6 / step as f64,
                    });
                }
            }
        }
    }
    let firsts: Vec<u32> = by_community.values().map(|m| m[0]).collect();
    for pair in firsts.windows(2) {
        links.push(MapLink {
            a: pair[0].min(pair[1]),
            b: pair[0].max(pair[1]),
            cocitation: 0.05,
            coupling: 0.0,
        });
    }
    links.sort_by_key(|l| (l.a, l.b));
    analysis.map_network = MapNetwork { papers, links };
    analysis
}

/// (fill, centre) of every circle and polygon of an SVG.
fn svg_shapes(svg: &str) -> Vec<(String, (f64, f64))> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter_map(|n| {
            let fill = n.attribute("fill")?.to_ascii_uppercase();
            let centre = match n.tag_name().name() {
                "circle" => (
                    n.attribute("cx")?.parse().ok()?,
                    n.attribute("cy")?.parse().ok()?,
                ),
                "polygon" => {
                    let points: Vec<(f64, f64)> = n
                        .attribute("points")?
                        .split_whitespace()
                        .filter_map(|p| {
                            let (x, y) = p.split_once(',')?;
                            Some((x.parse().ok()?, y.parse().ok()?))
                        })
                        .collect();
                    let k = points.len().max(1) as f64;
                    (
                        points.iter().map(|p| p.0).sum::<f64>() / k,
                        points.iter().map(|p| p.1).sum::<f64>() / k,
                    )
                }
                _ => return None,
            };
            Some((fill, centre))
        })
        .collect()
}

/// One `<rect>` of an SVG: x, y, width, height, fill.
#[derive(Debug, Clone)]
struct SvgRect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    fill: String,
}

/// One `<text>` of an SVG: its text, anchor point, `font-size` and weight.
#[derive(Debug, Clone)]
struct SvgText {
    text: String,
    x: f64,
    y: f64,
    font_size: f64,
    bold: bool,
}

fn svg_rects(raw: &str) -> Vec<SvgRect> {
    let doc = roxmltree::Document::parse(raw).unwrap();
    let number = |n: &roxmltree::Node, name: &str| -> f64 {
        n.attribute(name)
            .unwrap_or_else(|| panic!("a rect without {name}"))
            .parse()
            .unwrap()
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .map(|n| SvgRect {
            x: number(&n, "x"),
            y: number(&n, "y"),
            width: number(&n, "width"),
            height: number(&n, "height"),
            fill: n.attribute("fill").unwrap_or("").to_string(),
        })
        .collect()
}

#[test]
fn cluster_map_has_a_marker_per_paper_and_named_clusters_that_do_not_overlap() {
    let analysis = sample_with_map();
    let palette = Palette::new(&analysis);
    let figures =
        draw_figures(&analysis, &options(&["cluster-map"], &["svg", "png"], 1050)).unwrap();
    assert_eq!(figures.len(), 1);
    check_figure(&figures[0], 1050);
    let svg = figures[0].svg.as_ref().unwrap();
    let plan = charts::plan_cluster_map(
        &View::new(&analysis, &RenderOptions::default()),
        &palette,
        1050,
    );

    // Every map paper is placed once: linked ones in the plot, the unlinked one in the strip.
    let catalog = analysis.papers.iter().filter(|p| p.in_catalog).count();
    assert_eq!(plan.markers.len(), catalog);
    assert_eq!(plan.markers.iter().filter(|m| !m.linked).count(), 1);
    let (x0, y0, x1, y1) = plan.plot;
    let strip = plan.strip.expect("a strip for the unlinked paper");
    let inside = |(x, y): (f64, f64), (a, b, c, d): (f64, f64, f64, f64)| {
        x >= a - 1.0 && x <= c + 1.0 && y >= b - 1.0 && y <= d + 1.0
    };
    for m in &plan.markers {
        let frame = if m.linked { plan.plot } else { strip };
        assert!(inside((m.x, m.y), frame), "{m:?} outside {frame:?}");
    }
    // One coloured shape per marker in the SVG (the white edges and ring holes aside), at the
    // marker's place (a triangle's vertex mean sits a little off its centre) and in its
    // cluster's colour.
    let coloured: Vec<(String, (f64, f64))> = svg_shapes(svg)
        .into_iter()
        .filter(|(fill, c)| fill != "#FFFFFF" && (inside(*c, plan.plot) || inside(*c, strip)))
        .collect();
    assert_eq!(
        coloured.len(),
        plan.markers.len(),
        "one marker per placed paper"
    );
    for m in &plan.markers {
        let fill = format!("#{:02X}{:02X}{:02X}", m.color.0, m.color.1, m.color.2);
        assert!(
            coloured.iter().any(|(f, (x, y))| {
                let near = 2.5 + m.radius * 0.4;
                *f == fill && (x - m.x).abs() < near && (y - m.y).abs() < near
            }),
            "no {fill} marker at ({}, {})",
            m.x,
            m.y
        );
    }

    // One name per coloured map cluster (up to 8, with at least 3 linked papers on the map): its
    // letter and a name, never a bare id, drawn.
    let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
    for m in plan.markers.iter().filter(|m| m.linked) {
        *sizes.entry(m.community).or_default() += 1;
    }
    let coloured = sizes
        .values()
        .filter(|&&n| n >= charts::MIN_COLORED_PAPERS)
        .count()
        .min(charts::COLORED_CLUSTERS);
    assert!(coloured > 0);
    assert_eq!(plan.labels.len(), coloured, "{:?}", plan.labels);
    let (_, _, text, _) = read_svg(svg);
    for label in &plan.labels {
        let (id, name) = label.name.split_once(": ").expect("<letter>: name");
        assert!(
            id == charts::cluster_letter(label.community) && !name.trim().is_empty(),
            "{}",
            label.name
        );
        for line in &label.lines {
            assert!(text.contains(line.as_str()), "{line:?} not in the SVG");
        }
        assert!(
            label.x0 >= x0 && label.x1 <= x1 && label.y0 >= y0 && label.y1 <= y1,
            "{label:?} leaves the plot"
        );
    }
    // Boxes measured with the bundled font's advances: no two names overlap.
    for (i, a) in plan.labels.iter().enumerate() {
        for b in &plan.labels[i + 1..] {
            assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
        }
    }
    // The same analysis gives the same figure.
    let again = draw_figures(&analysis, &options(&["cluster-map"], &["svg"], 1050)).unwrap();
    assert_eq!(again[0].svg.as_ref(), Some(svg));
}

#[test]
fn cluster_map_without_links_says_so() {
    let analysis = sample_analysis();
    let figures = draw_figures(&analysis, &options(&["cluster-map"], &["svg"], 1050)).unwrap();
    let (_, _, text, _) = read_svg(figures[0].svg.as_ref().unwrap());
    assert!(text.contains("No two map papers"), "{text}");
}

fn svg_texts(raw: &str) -> Vec<SvgText> {
    let doc = roxmltree::Document::parse(raw).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| SvgText {
            text: n.text().unwrap_or("").trim().to_string(),
            x: n.attribute("x").unwrap().parse().unwrap(),
            y: n.attribute("y").unwrap().parse().unwrap(),
            font_size: n.attribute("font-size").unwrap().parse().unwrap(),
            bold: n.attribute("font-weight") == Some("bold"),
        })
        .collect()
}

fn figure<'a>(figures: &'a [Figure], name: &str) -> &'a Figure {
    figures.iter().find(|f| f.name == name).unwrap()
}

fn svg_of<'a>(figures: &'a [Figure], name: &str) -> &'a str {
    figure(figures, name).svg.as_deref().unwrap()
}

fn hiding(width: u32) -> RenderOptions {
    RenderOptions {
        hide_unspecified: true,
        ..options(&["all"], &["svg"], width)
    }
}

#[test]
fn no_figure_draws_a_rect_of_zero_size() {
    let analysis = sample_analysis();
    for options in [
        options(&["all"], &["svg"], 1050),
        options(&["all"], &["svg"], 2100),
        hiding(1050),
    ] {
        for figure in draw_figures(&analysis, &options).unwrap() {
            for rect in svg_rects(figure.svg.as_ref().unwrap()) {
                assert!(
                    rect.width > 0.0 && rect.height > 0.0,
                    "{} at {} px: {rect:?}",
                    figure.name,
                    options.width
                );
            }
        }
    }
}

/// The heat-map cell (a rect at least 20 px each way, the smallest) under a text's anchor.
fn cell_under<'a>(rects: &'a [SvgRect], text: &SvgText) -> Option<&'a SvgRect> {
    rects
        .iter()
        .filter(|r| r.width >= 20.0 && r.height >= 20.0 && r.width < 400.0)
        .filter(|r| {
            text.x >= r.x && text.x <= r.x + r.width && text.y >= r.y && text.y <= r.y + r.height
        })
        .min_by(|a, b| (a.width * a.height).total_cmp(&(b.width * b.height)))
}

/// A count as a heat map prints it: digits, or shortened ("1.2k", "12k").
fn is_count(text: &str) -> bool {
    let digits = text.trim_end_matches(['k', 'M']);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Every number in the heat maps sits inside its cell, as the text measurer measures it, and
/// they all have one size.
fn counts_fit(figures: &[Figure], name: &str, expected_counts: Option<usize>) {
    let svg = svg_of(figures, name);
    let rects = svg_rects(svg);
    let counts: Vec<SvgText> = svg_texts(svg)
        .into_iter()
        .filter(|t| is_count(&t.text))
        .filter(|t| cell_under(&rects, t).is_some_and(|r| r.width < 200.0))
        .collect();
    if let Some(n) = expected_counts {
        assert_eq!(counts.len(), n, "{name}: a number per cell");
    }
    for count in &counts {
        let cell = cell_under(&rects, count).unwrap();
        let width = charts::svg_text_width(&count.text, count.font_size, count.bold);
        // Centred on the cell's middle.
        assert!(
            count.x - width / 2.0 >= cell.x && count.x + width / 2.0 <= cell.x + cell.width,
            "{name}: {:?} ({width:.1} px wide) overflows its cell {cell:?}",
            count.text
        );
    }
    let sizes: std::collections::BTreeSet<String> = counts
        .iter()
        .map(|c| format!("{:.3}", c.font_size))
        .collect();
    assert!(
        sizes.len() <= 1,
        "{name}: numbers in several sizes {sizes:?}"
    );
}

#[test]
fn heat_map_counts_fit_their_cells() {
    let mut analysis = sample_analysis();
    let cells = |a: &Analysis| {
        // The flow figure keeps the mechanisms with a citation, in palette groups.
        let figures = draw_figures(a, &options(&["mechanism-flow"], &["svg"], 1050)).unwrap();
        let svg = svg_of(&figures, "mechanism-flow").to_string();
        let labels = svg_texts(&svg)
            .iter()
            .filter(|t| t.text == "Token Pruning")
            .count();
        assert_eq!(labels, 2, "a row and a column label");
    };
    cells(&analysis);
    for width in [1050, 2100] {
        let figures = draw_figures(
            &analysis,
            &options(&["mechanism-flow", "mechanism-domain"], &["svg"], width),
        )
        .unwrap();
        counts_fit(&figures, "mechanism-flow", None);
        counts_fit(&figures, "mechanism-domain", None);
    }
    // Three- and four-digit counts, as a catalogue of thousands of citations has: smaller
    // numbers, still inside their cells, and all of them printed at one column width.
    for row in &mut analysis.flow.counts {
        for count in row.iter_mut() {
            *count = *count * 37 + 900;
        }
    }
    let figures = draw_figures(&analysis, &options(&["mechanism-flow"], &["svg"], 1050)).unwrap();
    let svg = svg_of(&figures, "mechanism-flow");
    let numbers = svg_texts(svg)
        .iter()
        .filter(|t| is_count(&t.text) && t.text.ends_with('k'))
        .count();
    let cells: usize = analysis.flow.counts.iter().map(Vec::len).sum();
    assert!(
        numbers * 2 >= cells,
        "the large counts are printed, shortened: {numbers} of {cells}"
    );
    counts_fit(&figures, "mechanism-flow", None);
}

#[test]
fn the_flow_colours_scale_over_specified_mechanisms() {
    let analysis = sample_analysis();
    let figures = draw_figures(&analysis, &options(&["mechanism-flow"], &["svg"], 1050)).unwrap();
    let flow = figure(&figures, "mechanism-flow");
    let svg = flow.svg.as_deref().unwrap();
    let texts = svg_texts(svg);
    let text: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
    assert!(text.contains(&"Unspecified"), "{text:?}");
    assert!(
        text.iter().any(|t| t.contains("to specified mechanisms")),
        "the colour bar says what it scales: {text:?}"
    );
    assert!(flow.caption.contains("outside the colour scale"));
    // The Unspecified row's cells are the neutral gray, outside the scale.
    let row = texts
        .iter()
        .find(|t| t.text == "Unspecified" && t.font_size > 20.0)
        .unwrap();
    let rects = svg_rects(svg);
    let gray = rects
        .iter()
        .filter(|r| {
            r.fill == "#D4D4D4" && r.width >= 20.0 && (r.y..r.y + r.height).contains(&row.y)
        })
        .count();
    assert!(gray >= 5, "the Unspecified row is gray: {gray} cells");
}

#[test]
fn hide_unspecified_leaves_it_out_of_every_figure_and_says_so() {
    let analysis = sample_analysis();
    let shown = draw_figures(&analysis, &options(&["all"], &["svg"], 1050)).unwrap();
    let hidden = draw_figures(&analysis, &hiding(1050)).unwrap();
    let labels = |figure: &Figure| -> Vec<String> {
        svg_texts(figure.svg.as_deref().unwrap())
            .into_iter()
            .map(|t| t.text)
            .filter(|t| t.starts_with("Unspecified") && !t.contains(" hidden"))
            .collect()
    };
    // Without the option, the figures that group by mechanism show it.
    for name in [
        "papers-per-year",
        "mechanism-domain",
        "mechanism-flow",
        "influence-by-mechanism",
        "communities",
    ] {
        assert!(
            !labels(figure(&shown, name)).is_empty(),
            "{name} shows Unspecified"
        );
        assert!(!figure(&shown, name)
            .caption
            .contains("Unspecified is hidden"));
    }
    for figure in &hidden {
        assert!(
            labels(figure).is_empty(),
            "{}: {:?}",
            figure.name,
            labels(figure)
        );
    }
    // Each figure that shows mechanisms says it is hidden, in its caption and in the figure.
    for name in [
        "papers-per-year",
        "mechanism-domain",
        "mechanism-flow",
        "influence-by-mechanism",
        "communities",
        "top-influential",
    ] {
        let figure = figure(&hidden, name);
        assert!(
            figure.caption.contains("Unspecified is hidden")
                || figure
                    .caption
                    .contains("Unspecified (no mechanism badge) is hidden"),
            "{name}: {}",
            figure.caption
        );
        let text = read_svg(figure.svg.as_deref().unwrap()).2;
        assert!(
            text.contains("Unspecified"),
            "{name}: no note in the figure"
        );
    }
    // The papers without a mechanism are left out of the counts: Fig. 1's bars are lower.
    let without: usize = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog && p.mechanisms.iter().all(|m| m == "unspecified"))
        .count();
    assert!(without > 0);
    assert!(
        figure(&hidden, "papers-per-year")
            .caption
            .contains(&format!("{without} papers without a mechanism badge")),
        "{}",
        figure(&hidden, "papers-per-year").caption
    );
}

fn on(year: i32, month: u32, day: u32) -> citegraph::render::charts::CalendarDate {
    citegraph::render::charts::CalendarDate { year, month, day }
}

#[test]
fn the_current_year_is_marked_partial_only_when_it_has_papers() {
    let analysis = sample_analysis();
    let last = analysis.papers.iter().filter_map(|p| p.year).max().unwrap();
    let draw = |today| {
        let options = RenderOptions {
            today: Some(today),
            ..options(&["papers-per-year"], &["svg"], 1050)
        };
        draw_figures(&analysis, &options).unwrap().remove(0)
    };
    let marked = |figure: &Figure, year: i32| {
        read_svg(figure.svg.as_deref().unwrap())
            .2
            .contains(&format!("{year} (to date"))
    };
    // White stripes over the bar: the partial year keeps its colours (a lightened blue read
    // as another mechanism's cyan) and is told apart by white diagonal strokes.
    let stripes = |figure: &Figure| {
        let raw = figure.svg.as_deref().unwrap();
        let doc = roxmltree::Document::parse(raw).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .filter(|n| n.attribute("stroke") == Some("#FFFFFF"))
            .filter(|n| {
                let points: Vec<f64> = n
                    .attribute("points")
                    .unwrap_or("")
                    .split([' ', ','])
                    .filter_map(|v| v.parse().ok())
                    .collect();
                // Diagonal: both coordinates change.
                points.len() == 4 && points[0] != points[2] && points[1] != points[3]
            })
            .count()
    };
    // Today in the last year with papers: that bar is partial, striped, and says so.
    let partial = draw(on(last, 6, 15));
    assert!(marked(&partial, last), "no partial-year note");
    assert!(partial.caption.contains("15 Jun"), "{}", partial.caption);
    assert!(partial.caption.contains("striped"), "{}", partial.caption);
    let words = read_svg(partial.svg.as_deref().unwrap()).2;
    assert!(
        words.contains(&format!("{last} to date")),
        "no legend entry"
    );
    assert!(stripes(&partial) >= 3, "no stripes over the partial bar");
    // Its colours are those of every other bar: no tint of a mechanism's colour is drawn.
    let fills = |figure: &Figure| -> std::collections::BTreeSet<String> {
        let raw = figure.svg.as_deref().unwrap();
        let doc = roxmltree::Document::parse(raw).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter_map(|n| n.attribute("fill").map(str::to_string))
            .collect()
    };
    // A year later the last year is complete and the new one has no papers: no marker.
    let complete = draw(on(last + 1, 1, 10));
    assert!(!marked(&complete, last) && !marked(&complete, last + 1));
    assert_eq!(stripes(&complete), 0);
    assert!(!complete.caption.contains("to date"));
    // The only new fills are the legend key's gray ("YEAR to date") and the dark outline.
    let new: Vec<String> = fills(&partial)
        .difference(&fills(&complete))
        .cloned()
        .collect();
    assert!(
        new.iter().all(|f| f == "#666666" || f == "#1A1A1A"),
        "{new:?}"
    );
}

#[test]
fn thin_segments_are_merged_not_lost() {
    let analysis = sample_analysis();
    let figures = draw_figures(&analysis, &options(&["papers-per-year"], &["svg"], 1050)).unwrap();
    let svg = svg_of(&figures, "papers-per-year");
    let palette = Palette::new(&analysis);
    let colours: Vec<String> = palette
        .groups
        .iter()
        .map(|g| format!("#{:02X}{:02X}{:02X}", g.color.0, g.color.1, g.color.2))
        .collect();
    // Bar segments: rects in a mechanism's colour; per bar (same x), at most one under 6 px.
    let mut thin_per_bar: BTreeMap<i64, usize> = BTreeMap::new();
    for rect in svg_rects(svg) {
        if colours.contains(&rect.fill) && rect.height < 6.0 {
            *thin_per_bar.entry(rect.x as i64).or_default() += 1;
        }
    }
    assert!(
        thin_per_bar.values().all(|&n| n <= 1),
        "slivers left in a bar: {thin_per_bar:?}"
    );
    // The sample's early years hold several small mechanisms: they were merged, and the legend
    // says what the hatching is.
    let text = read_svg(svg).2;
    assert!(text.contains("Merged (<"), "{text}");
    assert!(figure(&figures, "papers-per-year")
        .caption
        .contains("merged into one hatched segment"));
}

#[test]
fn influence_by_mechanism_plots_the_named_score_with_boxes_of_width() {
    let analysis = sample_analysis();
    let figures = draw_figures(
        &analysis,
        &options(
            &["top-influential", "influence-by-mechanism"],
            &["svg"],
            1050,
        ),
    )
    .unwrap();
    let fig5 = figure(&figures, "influence-by-mechanism");
    let text = read_svg(fig5.svg.as_deref().unwrap()).2;
    assert!(fig5.title.contains("Influence score"));
    // The axis names the score, not a figure number a partial render could change.
    assert!(text.contains("Influence score"), "{text}");
    assert!(!text.contains("(Fig. 4)"), "{text}");
    assert!(!text.contains("PageRank"), "one quantity only: {text}");
    // Fig. 4 ranks by the same score.
    assert!(read_svg(svg_of(&figures, "top-influential"))
        .2
        .contains("Influence score"));
    // Every mechanism's box (an outline of four dark rects) is wider than a line: the largest
    // mechanisms no longer collapse to a stroke.
    let boxes = svg_rects(fig5.svg.as_deref().unwrap())
        .into_iter()
        .filter(|r| r.fill == "#333333" && r.height <= 3.0 && r.width > 0.0)
        .collect::<Vec<_>>();
    let top_edges: Vec<&SvgRect> = boxes.iter().filter(|r| r.width >= 3.0).collect();
    assert!(!top_edges.is_empty());
    let widest = top_edges.iter().map(|r| r.width).fold(0.0, f64::max);
    assert!(widest > 100.0, "the boxes have width: {widest}");
}

#[test]
fn a_two_column_width_gives_room_not_larger_letters() {
    let analysis = sample_analysis();
    let one = draw_figures(&analysis, &options(&["all"], &["svg"], 1050)).unwrap();
    let two = draw_figures(&analysis, &options(&["all"], &["svg"], 2100)).unwrap();
    let mut cut = (0, 0);
    let mut differ = 0;
    for (a, b) in one.iter().zip(&two) {
        let (ta, tb) = (
            svg_texts(a.svg.as_deref().unwrap()),
            svg_texts(b.svg.as_deref().unwrap()),
        );
        let sizes = |texts: &[SvgText]| -> std::collections::BTreeSet<String> {
            texts
                .iter()
                .map(|t| format!("{:.2}", t.font_size))
                .collect()
        };
        // The same sizes in points (apart from the heat maps' numbers, fitted to their cells):
        // no text is larger at 7 in, and the wider figure needs none of the narrow one's
        // fallbacks (a heat map's column labels a notch smaller) that the narrow one lacks.
        let words_only = |texts: &[SvgText]| -> Vec<SvgText> {
            texts
                .iter()
                .filter(|t| !is_count(&t.text))
                .cloned()
                .collect()
        };
        let (sa, sb) = (sizes(&words_only(&ta)), sizes(&words_only(&tb)));
        assert!(
            sb.is_subset(&sa) && sa.last() == sb.last(),
            "{}: font sizes differ: {sa:?} at 3.5 in, {sb:?} at 7 in",
            a.name
        );
        cut.0 += ta.iter().filter(|t| t.text.contains('…')).count();
        cut.1 += tb.iter().filter(|t| t.text.contains('…')).count();
        let words = |texts: &[SvgText]| texts.iter().map(|t| t.text.clone()).collect::<Vec<_>>();
        if words(&ta) != words(&tb) {
            differ += 1;
        }
        // The SVG says its printed size: 3.5 in and 7 in.
        assert!(a
            .svg
            .as_deref()
            .unwrap()
            .starts_with("<svg width=\"3.5in\""));
        assert!(b.svg.as_deref().unwrap().starts_with("<svg width=\"7in\""));
    }
    assert!(
        cut.1 < cut.0,
        "fewer labels are cut at two columns: {} at 3.5 in, {} at 7 in",
        cut.0,
        cut.1
    );
    assert!(differ >= 3, "only {differ} figures change their layout");
}
