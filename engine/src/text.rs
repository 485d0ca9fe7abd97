//! Small text helpers shared by the shell, the cluster and the lessons.

/// 32-bit FNV-1a: the stable little hash the simulation derives names and
/// addresses from (MAC addresses, `pod-template-hash`, lesson fingerprints).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_is_the_standard_one() {
        assert_eq!(super::fnv1a(b""), 0x811c_9dc5);
        assert_eq!(super::fnv1a(b"a"), 0xe40c_292c);
    }

    #[test]
    fn distances() {
        assert_eq!(super::edit_distance("chek", "check"), 1);
        assert_eq!(super::edit_distance("get", "get"), 0);
        assert_eq!(super::edit_distance("", "abc"), 3);
    }
}
