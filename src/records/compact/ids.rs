//! Paper ids interned to `u32`: a million-paper snapshot names each paper about eleven times
//! (its own line and ten links), and a 40-character hex id kept once as 20 bytes costs a tenth
//! of the `String`s it replaces.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use rustc_hash::FxBuildHasher;

/// A paper id in compact form: Semantic Scholar's ids (40 lowercase hex digits) as their 20
/// bytes, anything else (an upper-case or shorter id, a test's `"c1"`) as the string itself, so
/// that every id reads back exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaperKey {
    Hex([u8; 20]),
    Text(Box<str>),
}

impl PaperKey {
    /// The key of `id` (already trimmed).
    pub fn new(id: &str) -> PaperKey {
        match hex_bytes(id) {
            Some(bytes) => PaperKey::Hex(bytes),
            None => PaperKey::Text(id.into()),
        }
    }

    /// The id as written, without allocating for hex ids: `buf` holds the digits.
    pub fn as_str<'a>(&'a self, buf: &'a mut [u8; 40]) -> &'a str {
        match self {
            PaperKey::Hex(bytes) => {
                const DIGITS: &[u8; 16] = b"0123456789abcdef";
                for (i, b) in bytes.iter().enumerate() {
                    buf[2 * i] = DIGITS[(b >> 4) as usize];
                    buf[2 * i + 1] = DIGITS[(b & 15) as usize];
                }
                // Every byte written above is an ASCII hex digit.
                std::str::from_utf8(&buf[..]).unwrap_or_default()
            }
            PaperKey::Text(text) => text,
        }
    }
}

impl fmt::Display for PaperKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str(&mut [0; 40]))
    }
}

/// Ordered as the id strings are (byte order), so that sorting keys numbers nodes as sorting
/// the ids would: lowercase hex digits sort like the nibbles they encode.
impl Ord for PaperKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PaperKey::Hex(a), PaperKey::Hex(b)) => a.cmp(b),
            (PaperKey::Text(a), PaperKey::Text(b)) => a.cmp(b),
            _ => self.as_str(&mut [0; 40]).cmp(other.as_str(&mut [0; 40])),
        }
    }
}

impl PartialOrd for PaperKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The value of each byte as a lowercase hex digit, 0xff for any other byte.
const NIBBLES: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut d = 0;
    while d < 10 {
        table[b'0' as usize + d] = d as u8;
        d += 1;
    }
    let mut d = 0;
    while d < 6 {
        table[b'a' as usize + d] = 10 + d as u8;
        d += 1;
    }
    table
};

/// The 20 bytes of a 40-digit lowercase hex id. Without a branch per digit: ten million link
/// ids go through here.
fn hex_bytes(id: &str) -> Option<[u8; 20]> {
    let digits: &[u8; 40] = id.as_bytes().try_into().ok()?;
    let mut bytes = [0u8; 20];
    let mut invalid = 0u8;
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (NIBBLES[pair[0] as usize], NIBBLES[pair[1] as usize]);
        invalid |= high | low;
        *byte = (high << 4) | (low & 15);
    }
    (invalid < 16).then_some(bytes)
}

/// Paper ids numbered `0..len()` in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct PaperIds {
    hex: HashMap<[u8; 20], u32, FxBuildHasher>,
    text: HashMap<Box<str>, u32, FxBuildHasher>,
    keys: Vec<PaperKey>,
}

impl PaperIds {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The number of `id` (trimmed), when it has one.
    pub fn get(&self, id: &str) -> Option<u32> {
        match hex_bytes(id) {
            Some(bytes) => self.hex.get(&bytes).copied(),
            None => self.text.get(id).copied(),
        }
    }

    /// The number of `key`, when it has one.
    pub fn lookup(&self, key: &PaperKey) -> Option<u32> {
        match key {
            PaperKey::Hex(bytes) => self.hex.get(bytes).copied(),
            PaperKey::Text(text) => self.text.get(text).copied(),
        }
    }

    /// The number of `key`, given one when new.
    pub fn intern(&mut self, key: PaperKey) -> u32 {
        let next = self.keys.len() as u32;
        let index = match &key {
            PaperKey::Hex(bytes) => *self.hex.entry(*bytes).or_insert(next),
            PaperKey::Text(text) => match self.text.get(text) {
                Some(&index) => index,
                None => {
                    self.text.insert(text.clone(), next);
                    next
                }
            },
        };
        if index == next {
            self.keys.push(key);
        }
        index
    }

    /// The key numbered `index` (panics beyond [`Self::len`], like slice indexing).
    pub fn key(&self, index: u32) -> &PaperKey {
        &self.keys[index as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000d744a422f35b4b2bbba44df53666abcb591ce";

    #[test]
    fn hex_ids_round_trip_and_others_stay_text() {
        let key = PaperKey::new(HEX);
        assert!(matches!(key, PaperKey::Hex(_)));
        assert_eq!(key.to_string(), HEX);
        for other in ["c1", "", &HEX.to_uppercase(), &format!("{HEX}0"), &HEX[1..]] {
            let key = PaperKey::new(other);
            assert_eq!(key, PaperKey::Text(other.into()), "{other}");
            assert_eq!(key.to_string(), other);
        }
        // A non-hex letter in a 40-character id.
        let g = format!("g{}", &HEX[1..]);
        assert_eq!(PaperKey::new(&g), PaperKey::Text(g.as_str().into()));
    }

    #[test]
    fn keys_sort_as_their_strings() {
        let ids = [
            HEX.to_string(),
            "ffffffffffffffffffffffffffffffffffffffff".to_string(),
            "0".to_string(),
            "000d744a422f35b4b2bbba44df53666abcb591cd".to_string(),
            "000d744a422f35b4b2bbba44df53666abcb591ce0".to_string(),
            "z".to_string(),
            "A".to_string(),
            "0000000000000000000000000000000000000000".to_string(),
        ];
        let mut by_key: Vec<PaperKey> = ids.iter().map(|id| PaperKey::new(id)).collect();
        by_key.sort();
        let mut by_string = ids.to_vec();
        by_string.sort();
        let back: Vec<String> = by_key.iter().map(PaperKey::to_string).collect();
        assert_eq!(back, by_string);
    }

    #[test]
    fn interning_numbers_each_id_once() {
        let mut ids = PaperIds::default();
        let a = ids.intern(PaperKey::new(HEX));
        let b = ids.intern(PaperKey::new("c1"));
        assert_eq!((a, b), (0, 1));
        assert_eq!(ids.intern(PaperKey::new(HEX)), 0);
        assert_eq!(ids.intern(PaperKey::new("c1")), 1);
        assert_eq!(ids.len(), 2);
        assert_eq!(ids.get(HEX), Some(0));
        assert_eq!(ids.get("c1"), Some(1));
        assert_eq!(ids.get("c2"), None);
        assert_eq!(ids.get(&HEX.to_uppercase()), None);
        assert_eq!(ids.key(1).to_string(), "c1");
    }
}
