//! Stand-in for `export::charts` (branch `charts`) with the same public names, so the report
//! can be built and tested before the real figures land. Deleted when `charts` is merged.

use std::path::{Path, PathBuf};

use anyhow::Context;
use plotters::prelude::*;

use super::escape;
use super::RenderOptions;
use crate::analysis::Analysis;

pub struct Figure {
    pub name: &'static str,
    pub title: String,
    pub caption: String,
    pub svg: Option<PathBuf>,
    pub png: Option<PathBuf>,
}

const FIGURES: [(&str, &str); 8] = [
    ("papers-per-year", "Papers per year"),
    ("mechanism-domain", "Mechanisms by domain"),
    ("mechanism-flow", "Citation flow between mechanisms"),
    ("top-influential", "The 20 most influential papers"),
    ("influence-by-mechanism", "Influence by mechanism"),
    ("communities", "Communities against mechanisms"),
    ("citation-distribution", "Citation distribution"),
    ("missing", "Missing papers"),
];

const PALETTE: [(u8, u8, u8); 8] = [
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (0, 0, 0),
];

pub fn mechanism_color(analysis: &Analysis, mechanism: &str) -> (u8, u8, u8) {
    if mechanism == "unspecified" {
        return (153, 153, 153);
    }
    let index = analysis
        .mechanisms
        .iter()
        .filter(|m| m.name != "unspecified")
        .position(|m| m.name == mechanism)
        .unwrap_or(PALETTE.len() - 1);
    PALETTE[index % PALETTE.len()]
}

pub fn draw_figures(
    analysis: &Analysis,
    options: &RenderOptions,
    output_dir: &Path,
) -> anyhow::Result<Vec<Figure>> {
    let all = options.figures.iter().any(|f| f == "all");
    let mut figures = Vec::new();
    for (name, title) in FIGURES {
        if !all && !options.figures.iter().any(|f| f == name) {
            continue;
        }
        let dir = output_dir.join("figures");
        let bars: Vec<(String, usize, (u8, u8, u8))> = analysis
            .mechanisms
            .iter()
            .map(|m| (m.name.clone(), m.papers, mechanism_color(analysis, &m.name)))
            .collect();
        let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
        let (width, height) = (options.width, 60 + 30 * bars.len() as u32);
        let svg = if options.format.iter().any(|f| f == "svg") {
            let mut text = format!(
                "<?xml version=\"1.0\"?>\n<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n<text x=\"10\" y=\"30\" font-family=\"sans-serif\" font-size=\"20\">{}</text>\n",
                escape::xml(title)
            );
            for (i, (label, count, (r, g, b))) in bars.iter().enumerate() {
                let y = 50 + 30 * i;
                let w = (width as usize - 320) * count / max;
                text.push_str(&format!(
                    "<text x=\"10\" y=\"{}\" font-family=\"sans-serif\" font-size=\"14\">{}</text><rect x=\"300\" y=\"{y}\" width=\"{w}\" height=\"22\" fill=\"rgb({r},{g},{b})\"/>\n",
                    y + 16,
                    escape::xml(label)
                ));
            }
            text.push_str("</svg>\n");
            let path = dir.join(format!("{name}.svg"));
            crate::fsutil::write_atomic(&path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            Some(path)
        } else {
            None
        };
        let png = if options.format.iter().any(|f| f == "png") {
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(format!("{name}.png"));
            {
                let root = BitMapBackend::new(&path, (width, height)).into_drawing_area();
                root.fill(&WHITE)?;
                for (i, (_, count, (r, g, b))) in bars.iter().enumerate() {
                    let y = 50 + 30 * i as i32;
                    let w = ((width as usize - 320) * count / max) as i32;
                    root.draw(&Rectangle::new(
                        [(300, y), (300 + w, y + 22)],
                        RGBColor(*r, *g, *b).filled(),
                    ))?;
                }
                root.present()?;
            }
            Some(path)
        } else {
            None
        };
        figures.push(Figure {
            name,
            title: title.to_string(),
            caption: format!("{title} (placeholder until the charts branch lands)."),
            svg,
            png,
        });
    }
    Ok(figures)
}
