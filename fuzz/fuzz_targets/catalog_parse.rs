//! The catalogue's Markdown parser on any text: it never panics, and every entry and warning
//! names the file and a line that exists.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count().max(1) + 1;
    let parsed = citegraph::catalog::parse_file("f.md", "f", &text);
    for entry in &parsed.entries {
        assert_eq!(entry.file, "f.md");
        assert!((1..=lines).contains(&entry.line), "line {} of {lines}", entry.line);
    }
    for warning in &parsed.warnings {
        assert_eq!(warning.file, "f.md");
        if let Some(line) = warning.line {
            assert!((1..=lines).contains(&line), "warning line {line} of {lines}");
        }
    }
});
