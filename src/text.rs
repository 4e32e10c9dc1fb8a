//! Small text helpers for what the tool prints: counted nouns ("1 paper", "2 papers").

/// `count` and the noun, plural unless the count is one: `count(1, "paper")` is `"1 paper"`,
/// `count(0, "paper")` is `"0 papers"`. Nouns whose plural is not `+s` take [`count_as`].
pub fn count(count: usize, noun: &str) -> String {
    count_as(count, noun, &format!("{noun}s"))
}

/// `count` with an explicit plural: `count_as(2, "entry", "entries")` is `"2 entries"`.
pub fn count_as(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular() {
        assert_eq!(count(1, "paper"), "1 paper");
        assert_eq!(count(0, "paper"), "0 papers");
        assert_eq!(count(2, "file"), "2 files");
        assert_eq!(count_as(1, "entry", "entries"), "1 entry");
        assert_eq!(count_as(3, "entry", "entries"), "3 entries");
    }
}
