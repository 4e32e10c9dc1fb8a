//! How fast report.html's citation map opens and reacts, for 300 and 5,000 papers (issue 15):
//! `cargo bench --bench map_open`. Never run by `cargo test` or CI.
//!
//! For each size it builds a synthetic analysis (papers over ten mechanisms and eight years, about
//! eight references each to older papers, mostly within the mechanism), renders the report
//! (the ForceAtlas2 layout is timed on its own), starts `chromedriver` on 127.0.0.1 with headless
//! chromium, and measures, best of three loads:
//! - `open`: navigation start to the end of the load event (parse, style, layout, and the map's
//!   script, which runs before `load`), from the Navigation Timing entry;
//! - `search`: one keystroke's filter pass over every node (input event to the next frame);
//! - `select`: a click's highlight of one paper's references and citers.
//!
//! Needs `chromium` and `chromium-driver` (Debian).

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citegraph::analysis::{Analysis, EdgeRow, GroupStats, PaperMetrics};
use citegraph::render::{map, report};
use fantoccini::{ClientBuilder, Locator};
use serde_json::{json, Value};

const SIZES: &[usize] = &[300, 5_000];
const MECHANISMS: usize = 10;

/// A deterministic 64-bit LCG.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn synthetic(n: usize) -> Analysis {
    let mut rng = Lcg(n as u64);
    let mechanisms: Vec<String> = (0..MECHANISMS).map(|m| format!("Mechanism {m}")).collect();
    let mut papers = Vec::with_capacity(n);
    for i in 0..n {
        let mechanism = rng.below(MECHANISMS);
        papers.push(PaperMetrics {
            paper_id: format!("{i:040x}"),
            key: Some(format!("key:{i}")),
            title: format!("Synthetic paper {i} on token reduction {}", rng.below(1000)),
            year: Some(2018 + (i * 8 / n) as i32),
            venue: Some("Venue".into()),
            in_catalog: true,
            abbreviation: (i % 2 == 0).then(|| format!("M{i}")),
            mechanisms: vec![mechanisms[mechanism].clone()],
            pagerank: 1.0 / (1.0 + rng.below(1000) as f64),
            community: mechanism as u32,
            catalog_citations: rng.below(50) as u32,
            ..Default::default()
        });
    }
    let mut core_edges = Vec::new();
    for i in 1..n {
        for _ in 0..8 {
            let j = rng.below(i);
            if papers[i].community == papers[j].community || rng.below(4) == 0 {
                core_edges.push(EdgeRow {
                    source: papers[i].paper_id.clone(),
                    target: papers[j].paper_id.clone(),
                    is_influential: false,
                });
            }
        }
    }
    Analysis {
        mechanisms: mechanisms
            .iter()
            .map(|m| GroupStats {
                name: m.clone(),
                papers: n / MECHANISMS,
                ..Default::default()
            })
            .collect(),
        papers,
        core_edges,
        ..Default::default()
    }
}

fn milliseconds(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (apt-get install chromium-driver)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver");
        std::thread::sleep(Duration::from_millis(50));
    }
    let dir = tempfile::tempdir().unwrap();
    println!("| papers | edges | layout (ms) | map section (ms) | page (MB) | open (ms) | search keystroke (ms) | select (ms) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in SIZES {
        let analysis = synthetic(n);
        let index: std::collections::HashMap<&str, usize> = analysis
            .papers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.paper_id.as_str(), i))
            .collect();
        let edges: Vec<(usize, usize)> = analysis
            .core_edges
            .iter()
            .map(|e| (index[e.source.as_str()], index[e.target.as_str()]))
            .collect();
        let groups: Vec<u32> = analysis.papers.iter().map(|p| p.community).collect();
        let timer = Instant::now();
        std::hint::black_box(map::layout(n, &edges, &groups));
        let layout_ms = timer.elapsed().as_secs_f64() * 1000.0;
        let options = citegraph::render::RenderOptions::default();
        let view = citegraph::render::View::new(&analysis, &options);
        let timer = Instant::now();
        std::hint::black_box(map::section(&view));
        let section_ms = timer.elapsed().as_secs_f64() * 1000.0;
        let page = report::to_html(&view, &[]).unwrap();
        let path = dir.path().join(format!("report-{n}.html"));
        std::fs::write(&path, &page).unwrap();

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=1300,1000",
                format!("--user-data-dir={}", dir.path().join(format!("profile-{n}")).display())]}),
        );
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        let (mut open, mut search, mut select) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..3 {
            client
                .goto(&format!("file://{}", path.display()))
                .await
                .unwrap();
            client
                .wait()
                .at_most(Duration::from_secs(120))
                .for_element(Locator::Css("#citation-map[data-ready='true']"))
                .await
                .unwrap();
            let timing = client
                .execute(
                    "return performance.getEntriesByType('navigation')[0].loadEventEnd;",
                    vec![],
                )
                .await
                .unwrap();
            open = open.min(milliseconds(&timing));
            let keystroke = client
                .execute_async(
                    "const done = arguments[arguments.length - 1];\
                     const box = document.getElementById('citation-map-search');\
                     const t = performance.now(); box.value = 'M1';\
                     box.dispatchEvent(new Event('input'));\
                     requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));",
                    vec![],
                )
                .await
                .unwrap();
            search = search.min(milliseconds(&keystroke));
            let click = client
                .execute_async(
                    "const done = arguments[arguments.length - 1];\
                     const box = document.getElementById('citation-map-search');\
                     box.value = ''; box.dispatchEvent(new Event('input'));\
                     const node = document.querySelector('#citation-map .map-node');\
                     const t = performance.now();\
                     node.dispatchEvent(new MouseEvent('click', {bubbles: true}));\
                     requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));",
                    vec![],
                )
                .await
                .unwrap();
            select = select.min(milliseconds(&click));
        }
        client.close().await.unwrap();
        println!(
            "| {n} | {} | {layout_ms:.0} | {section_ms:.0} | {:.1} | {open:.0} | {search:.0} | {select:.0} |",
            analysis.core_edges.len(),
            page.len() as f64 / 1e6
        );
    }
    let _ = driver.kill();
    let _ = driver.wait();
}
