//! The Semantic Scholar answer parsers on any bytes: error texts, records, batch answers, title
//! matches and list pages. Never panics; a record that parses survives the cache's round trip
//! (serialized, read back equal), since the cache stores exactly that.
#![no_main]

use citegraph::records::PaperRecord;
use citegraph::s2::wire;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check_record(value: Value) {
    if let Ok(Some(record)) = wire::record(value) {
        assert!(!record.paper_id.is_empty());
        let json = serde_json::to_string(&record).expect("a record serializes");
        let back: PaperRecord = serde_json::from_str(&json).expect("and reads back");
        assert_eq!(back, record);
    }
}

fuzz_target!(|data: &[u8]| {
    let message = wire::error_message(data);
    assert!(!message.is_empty());
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Some(found) = wire::title_match(&value) {
        check_record(found);
    }
    let page = wire::page(&value);
    let items = value
        .get("data")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    assert_eq!(page.links.len() + page.skipped, items);
    if let Ok(items) = wire::batch(value.clone()) {
        for item in items {
            check_record(item);
        }
    }
    check_record(value);
});
