//! Titles: the one normalizer and the one fuzzy matcher, shared by the catalogue merge (are two
//! listings the same paper?) and the resolver (is this Semantic Scholar record the catalogue's
//! paper?).
//!
//! A title is compared in its normalized form ([`normalize_title`]: lower case, letters and digits
//! only, single spaces). Two normalized titles are the same title when their similarity
//! ([`title_similarity`]) reaches [`TITLE_SIMILARITY`]:
//!
//! - 1 when they are equal, or when the shorter one, at least three words long, appears word for
//!   word inside the longer one (a dropped subtitle, a method name put in front: "ToMe: Token
//!   Merging: Your ViT But Faster");
//! - else 1 - Levenshtein distance / length of the longer title (a typo, "KV Caching" / "KV Cache").
//!
//! Measured on real pairs: drift of one paper's title scores above 0.92; sibling papers of one group
//! ("... with Dual Feature Caching" / "... with Token-wise Feature Caching") score 0.85. The bar
//! is 0.9. Titles of two words or fewer are only ever equal or a typo apart: "Token Merging" is
//! not the same title as "Token Merging: Your ViT But Faster".

/// The bar of [`same_title`]; see the module documentation for how it was chosen.
pub const TITLE_SIMILARITY: f64 = 0.9;

/// Shorter titles are not taken as contained in a longer one (too generic).
const MIN_CONTAINED_WORDS: usize = 3;

/// Lower case, every run of non-alphanumerics one space, trimmed: the comparison form of a title
/// (and the title part of a `title:` catalogue key). Unicode letters and digits are kept.
pub fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_space = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Similarity of two normalized titles, in [0, 1] (see the module documentation). Two empty
/// titles are equal (1). O(len(a) * len(b)) time.
pub fn title_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if contains_words(long, short) {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / longest as f64
}

/// Whether two normalized titles name the same paper: [`title_similarity`] >= [`TITLE_SIMILARITY`].
pub fn same_title(a: &str, b: &str) -> bool {
    title_similarity(a, b) >= TITLE_SIMILARITY
}

/// Whether two titles as written (not normalized) name the same paper: [`same_title`] on their
/// normalized forms, or on the forms without a leading method name. Lists often write
/// "EViT: Not All Patches are What You Need" where Semantic Scholar has "Not All Patches are What
/// You Need: Expediting Vision Transformers via Token Reorganizations": the name in front and
/// the subtitle behind each defeat containment alone. A method name is the part before the
/// first colon when it is at most three words and what follows at least
/// [`MIN_CONTAINED_WORDS`] ([`without_method_name`]).
pub fn same_written_title(a: &str, b: &str) -> bool {
    let (na, nb) = (normalize_title(a), normalize_title(b));
    if same_title(&na, &nb) {
        return true;
    }
    let (sa, sb) = (without_method_name(a), without_method_name(b));
    let same = |x: Option<&String>, y: Option<&String>| match (x, y) {
        (Some(x), Some(y)) => same_title(x, y),
        _ => false,
    };
    same(sa.as_ref(), Some(&nb)) || same(Some(&na), sb.as_ref()) || same(sa.as_ref(), sb.as_ref())
}

/// The normalized title after a leading method name ("EViT: ..." -> "..."), or `None` when the
/// title has none (no colon, more than three words before it, or fewer than
/// [`MIN_CONTAINED_WORDS`] after it).
pub fn without_method_name(title: &str) -> Option<String> {
    let (name, rest) = title.split_once(':')?;
    let name_words = normalize_title(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .count();
    let rest = normalize_title(rest);
    let rest_words = rest.split(' ').filter(|w| !w.is_empty()).count();
    ((1..=3).contains(&name_words) && rest_words >= MIN_CONTAINED_WORDS).then_some(rest)
}

/// `short`'s words, at least [`MIN_CONTAINED_WORDS`] of them, appear in a row in `long`.
fn contains_words(long: &str, short: &str) -> bool {
    let short: Vec<&str> = short.split(' ').filter(|w| !w.is_empty()).collect();
    if short.len() < MIN_CONTAINED_WORDS {
        return false;
    }
    let long: Vec<&str> = long.split(' ').filter(|w| !w.is_empty()).collect();
    long.windows(short.len())
        .any(|window| window == short.as_slice())
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_titles() {
        assert_eq!(
            normalize_title(
                "Don't Look Twice: Faster Video Transformers with Run-Length Tokenization"
            ),
            "don t look twice faster video transformers with run length tokenization"
        );
        assert_eq!(
            normalize_title("A Simple and Effective $ L_2 $ Norm-Based Strategy"),
            "a simple and effective l 2 norm based strategy"
        );
        assert_eq!(
            normalize_title("  --Memory-efficient  Top-$ k $  "),
            "memory efficient top k"
        );
        assert_eq!(
            normalize_title("  ToMe: Token-Merging,  Your ViT!  "),
            "tome token merging your vit"
        );
        assert_eq!(normalize_title("ünïcödé 令牌 <b>"), "ünïcödé 令牌 b");
        assert_eq!(normalize_title(""), "");
        assert_eq!(normalize_title("!!!"), "");
    }

    #[test]
    fn a_method_name_in_front_and_a_subtitle_behind() {
        // The new-user trial's case: the list's "EViT:" and Semantic Scholar's subtitle.
        assert!(same_written_title(
            "EViT: Not All Patches are What You Need",
            "Not all patches are what you need: Expediting vision transformers via token reorganizations"
        ));
        assert!(!same_title(
            &normalize_title("EViT: Not All Patches are What You Need"),
            &normalize_title("Not all patches are what you need: Expediting vision transformers via token reorganizations")
        ));
        assert_eq!(
            without_method_name("ToMe: Token Merging: Your ViT But Faster").as_deref(),
            Some("token merging your vit but faster")
        );
        // Not a method name: too long before the colon, too short after it.
        assert_eq!(
            without_method_name("Not all patches are what you need: Expediting"),
            None
        );
        assert_eq!(without_method_name("ToMe: Faster"), None);
        assert_eq!(without_method_name("No colon here at all"), None);
        // Sibling papers stay apart even without their method names.
        assert!(!same_written_title(
            "ToCa: Accelerating Diffusion Transformers with Token-wise Feature Caching",
            "DuCa: Accelerating Diffusion Transformers with Dual Feature Caching"
        ));
        assert!(!same_written_title(
            "EViT: Not All Patches are What You Need",
            "Not all tokens are what you need for pretraining"
        ));
    }

    #[test]
    fn same_titles_tolerate_drift_only() {
        let n = normalize_title;
        // A qualifier added.
        assert!(same_title(
            &n("Turbo: Informativity-Driven Acceleration Plug-In for Vision-Language Models"),
            &n("Turbo: Informativity-Driven Acceleration Plug-In for Vision-Language Large Models"),
        ));
        // A subtitle dropped.
        assert!(same_title(
            &n("Layer- and Timestep-Adaptive Differentiable Token Compression Ratios for Efficient Diffusion Transformers"),
            &n("Layer- and Timestep-Adaptive Differentiable Token Compression Ratios"),
        ));
        // A method name in front.
        assert_eq!(
            title_similarity(
                &n("ToMe: Token Merging: Your ViT But Faster"),
                &n("Token Merging: Your ViT But Faster")
            ),
            1.0
        );
        // Typos and word forms.
        assert!(same_title(
            &n("Token Purning for ViTs"),
            &n("Token Pruning for ViTs")
        ));
        assert!(same_title(
            &n("Pyramidkv: Dynamic kv Caching compression based on pyramidal information funneling"),
            &n("PyramidKV: Dynamic KV Cache Compression based on Pyramidal Information Funneling"),
        ));
        // Different papers.
        assert!(!same_title(
            &n("Accelerating Diffusion Transformers with Token-wise Feature Caching"),
            &n("Accelerating Diffusion Transformers with Dual Feature Caching"),
        ));
        assert!(!same_title(
            &n("Token Fusion: Bridging the Gap between Token Pruning and Token Merging"),
            &n("Agent Attention: On the Integration of Softmax and Linear Attention"),
        ));
        // Two words are too generic to be found inside a longer title.
        assert!(!same_title(
            "token merging",
            "token merging your vit but faster"
        ));
        // Words, not letters: "erging your vit" is not inside "token merging your vit".
        assert!(!contains_words("token merging your vit", "erging your vit"));
        assert_eq!(title_similarity("", ""), 1.0);
    }
}
