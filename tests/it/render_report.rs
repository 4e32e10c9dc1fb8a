//! report.html in a real browser: Debian's chromium, headless, loads the page from disk, and the
//! DOM it builds holds every figure's SVG and none of the markup smuggled in through titles; the
//! page logs nothing to the console (its Content-Security-Policy would log any blocked load).
//!
//! The rendered output and the screenshot stay in `target/tmp/render_report*/` for a human to look
//! at (`report.png`).

use crate::render_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use citegraph::render::render;
use render_support::{options, sample_analysis};

/// The browser, or a failure that says how to get one.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(output) = Command::new("which").arg(name).output() {
            if output.status.success() {
                let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
                if !path.is_empty() {
                    return PathBuf::from(path);
                }
            }
        }
    }
    panic!(
        "this test needs a headless browser and found none of chromium, chromium-browser, \
         google-chrome on PATH: apt-get install chromium (.ci/run installs it)"
    );
}

struct BrowserRun {
    stdout: String,
    stderr: String,
}

/// Runs headless chromium on `page` with one action (`--dump-dom` or `--screenshot=FILE`),
/// network features off, and a throwaway profile.
fn run_chromium(page: &Path, action: &str, profile: &Path) -> BrowserRun {
    let url = format!("file://{}", page.display());
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,4000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(action)
        .arg(&url)
        .output()
        .expect("chromium starts");
    let run = BrowserRun {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        output.status.success(),
        "chromium {action} {url} failed ({}):\n{}",
        output.status,
        run.stderr
    );
    run
}

/// Console messages chromium logged for the page (`INFO:CONSOLE` lines); the map script logs nothing,
/// so any message is an error: a blocked resource, a CSP violation, a parse problem.
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// A fresh directory under cargo's per-test temp dir, kept after the test for inspection.
fn output_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn report_renders_in_chromium_with_figures_and_no_injected_markup() {
    let dir = output_dir("render_report");
    let analysis = sample_analysis();
    let written = render(&analysis, &options("year"), &dir).unwrap();
    let page = dir.join("report.html");
    assert!(written.contains(&page));
    let html = std::fs::read_to_string(&page).unwrap();
    let figures = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .count();
    assert_eq!(
        figures,
        citegraph::render::charts::FIGURE_NAMES.len(),
        "every figure drawn as SVG"
    );

    // Self-contained: nothing that loads from elsewhere.
    // One script: the citation map's own, inline (tests/it/render_map.rs drives it).
    assert_eq!(html.matches("<script").count(), 1, "only the map's script");
    assert!(
        html.contains("<script>// citegraph's citation map"),
        "the map's script is inline"
    );
    for needle in [
        "<script src",
        "<link",
        "src=\"http",
        "@import",
        "url(",
        "<iframe",
    ] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }

    let dom = run_chromium(&page, "--dump-dom", &dir.join("profile-dom"));
    assert_eq!(
        console_messages(&dom.stderr),
        Vec::<&str>::new(),
        "the page logged to the console"
    );
    let svgs = dom.stdout.matches("<svg").count();
    assert_eq!(
        svgs,
        figures + 1,
        "every figure and the citation map are inline <svg> elements in the DOM"
    );
    for section in [
        "summary",
        "figures",
        "influential",
        "missing",
        "coverage",
        "unresolved",
        "catalog-lint",
        "tag-lint",
    ] {
        assert!(
            dom.stdout.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
        assert!(
            dom.stdout.contains(&format!("href=\"#{section}\"")),
            "table of contents links {section}"
        );
    }
    // The hostile titles are in the page, as text.
    assert!(dom.stdout.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(dom
        .stdout
        .contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // And never as markup.
    assert_eq!(
        dom.stdout.matches("<script").count(),
        1,
        "only the map's script"
    );
    for injected in [
        "<img src=x",
        "<img src=\"x\"",
        "onerror=\"alert",
        "<script>alert",
        "href=\"javascript:",
    ] {
        assert!(!dom.stdout.contains(injected), "the DOM holds {injected}");
    }

    let screenshot = dir.join("report.png");
    let shot = run_chromium(
        &page,
        &format!("--screenshot={}", screenshot.display()),
        &dir.join("profile-shot"),
    );
    assert_eq!(console_messages(&shot.stderr), Vec::<&str>::new());
    let png = std::fs::read(&screenshot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the screenshot is a PNG"
    );
}

#[test]
fn report_embeds_png_figures_when_svg_is_not_drawn() {
    let dir = output_dir("render_report_png");
    let analysis = sample_analysis();
    let mut options = options("community");
    options.format = vec![citegraph::render::FigureFormat::Png];
    options.figures = vec![
        citegraph::render::FigureKind::PapersPerYear,
        citegraph::render::FigureKind::Missing,
    ];
    let written = render(&analysis, &options, &dir).unwrap();
    assert!(written
        .iter()
        .all(|p| p.extension().is_none_or(|e| e != "svg")));
    let page = dir.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), 2);

    let dom = run_chromium(&page, "--dump-dom", &dir.join("profile"));
    assert_eq!(console_messages(&dom.stderr), Vec::<&str>::new());
    assert_eq!(
        dom.stdout
            .matches("<img src=\"data:image/png;base64,")
            .count(),
        2
    );
    assert_eq!(
        dom.stdout.matches("<svg").count(),
        1,
        "no figure as SVG; only the citation map"
    );
}

/// Every figure link in `html` (`href="figures/…"`), in page order.
fn figure_links(html: &str) -> Vec<String> {
    html.split("href=\"figures/")
        .skip(1)
        .map(|rest| format!("figures/{}", &rest[..rest.find('"').unwrap()]))
        .collect()
}

#[test]
fn report_links_pdf_figures_when_only_pdf_is_drawn_and_says_what_was_written() {
    let analysis = sample_analysis();
    let drawn = ["papers-per-year", "missing"];
    for formats in [
        vec!["pdf"],
        vec!["svg", "pdf"],
        vec!["png", "pdf"],
        vec!["png"],
    ] {
        let dir = output_dir(&format!("render_report_{}", formats.join("_")));
        let mut options = options("community");
        options.format = render_support::figure_formats(&formats);
        options.figures = render_support::figure_kinds(&drawn);
        render(&analysis, &options, &dir).unwrap();
        let page = dir.join("report.html");
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            !html.contains("not written in any format") && !html.contains("No file of this figure"),
            "{formats:?}: every figure was written in some format"
        );
        // Each caption links exactly the files written for its figure, and they exist.
        let links = figure_links(&html);
        let mut expected = Vec::new();
        for name in drawn {
            for format in ["svg", "png", "pdf"] {
                let file = format!("figures/{name}.{format}");
                assert_eq!(
                    dir.join(&file).exists(),
                    formats.contains(&format),
                    "{formats:?}: {file}"
                );
                if formats.contains(&format) {
                    expected.push(file);
                }
            }
        }
        let mut caption_links: Vec<String> = links.clone();
        caption_links.sort();
        caption_links.dedup();
        let mut sorted = expected.clone();
        sorted.sort();
        assert_eq!(
            caption_links, sorted,
            "{formats:?}: the links name the files written"
        );
        let only_pdf = formats == ["pdf"];
        for name in drawn {
            let block = format!("<p class=\"figure-pdf\"><a href=\"figures/{name}.pdf\">");
            assert_eq!(html.contains(&block), only_pdf, "{formats:?}: {name}");
        }
        if only_pdf {
            assert_eq!(html.matches("<img src=").count(), 0);
            let dom = run_chromium(&page, "--dump-dom", &dir.join("profile"));
            assert_eq!(console_messages(&dom.stderr), Vec::<&str>::new());
            assert_eq!(
                dom.stdout.matches("class=\"figure-pdf\"").count(),
                drawn.len(),
                "the browser shows a PDF link for each figure"
            );
            let screenshot = dir.join("report.png");
            run_chromium(
                &page,
                &format!("--screenshot={}", screenshot.display()),
                &dir.join("profile"),
            );
        }
    }
}

#[test]
fn clusters_table_lists_top_papers_one_a_line() {
    let dir = output_dir("render_report_clusters");
    let mut analysis = sample_analysis();
    let tops = [
        "Phased lstm (2016)",
        "What is next; and why? (2019)",
        "A, B and C <b>bold</b> (2020)",
    ];
    for cluster in &mut analysis.clusters {
        cluster.top_papers = tops.iter().map(|t| t.to_string()).collect();
    }
    if analysis.clusters.is_empty() {
        analysis.clusters.push(citegraph::analysis::Cluster {
            community: 0,
            size: 3,
            top_papers: tops.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        });
    }
    let mut options = options("community");
    options.figures = vec![citegraph::render::FigureKind::PapersPerYear];
    render(&analysis, &options, &dir).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let start = html
        .find("<table class=\"clusters")
        .expect("a clusters table");
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let list =
        "<ul class=\"papers\"><li>Phased lstm (2016)</li><li>What is next; and why? (2019)</li>\
                <li>A, B and C &lt;b&gt;bold&lt;/b&gt; (2020)</li></ul>";
    assert!(
        table.contains(list),
        "each cluster's top papers are a list, escaped: {table}"
    );
    assert!(!table.contains("(2016); What"), "no '; '-joined cell");
}
