//! The size limit of a catalogue file, shared by local files ([`super::source`]) and downloads
//! ([`super::remote`]).

/// Files larger than this are skipped: the largest list of the family is ~160 KB, so 16 MiB is
/// generous for any real list and keeps memory and time bounded on a wrong input.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The warning for a file over [`MAX_FILE_BYTES`].
pub fn too_large(bytes: u64) -> String {
    format!(
        "file is {:.1} MB, over the {} MB limit for a catalogue file; skipped",
        bytes as f64 / 1_048_576.0,
        MAX_FILE_BYTES / 1_048_576
    )
}
