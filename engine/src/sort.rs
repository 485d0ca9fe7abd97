//! One stable sort for the whole program.
//!
//! The standard library's sort is compiled anew for every element type and
//! comparator: about 4 KB of wasm each, fourteen copies in the bundle. These
//! helpers sort a list of indices with a comparator behind `dyn`, so the sort
//! itself is compiled once; only the small permutation step is per type. The
//! lists sorted here are short (hosts, routes, endpoints, lines of a pipe), so
//! the indirect call costs nothing a student could notice.

use std::cmp::Ordering;

/// Stable sort by a comparator, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items: &[T] = v;
        sorted_indices(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    permute(v, order);
}

/// Stable sort by a key, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable sort by a key computed once per element (not once per
/// comparison), like `slice::sort_by_cached_key`.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut Vec<T>, key: impl FnMut(&T) -> K) {
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = sorted_indices(keys.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(v, order);
}

/// Stable sort in the type's order, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The one monomorphic sort: indices `0..n` ordered by `cmp`.
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that its i-th element is the old `order[i]`-th.
fn permute<T>(v: &mut Vec<T>, order: Vec<usize>) {
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    // `order` is a permutation of 0..len, so every slot is taken exactly once.
    v.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_stays_stable() {
        let mut ours: Vec<(u8, usize)> = [3u8, 1, 2, 1, 3, 0, 2]
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i))
            .collect();
        let mut std = ours.clone();
        sort_by_key(&mut ours, |p| p.0);
        std.sort_by_key(|p| p.0);
        assert_eq!(ours, std);
        assert_eq!(ours[1], (1, 1), "equal keys keep their order");
        let mut words = vec!["b", "c", "a"];
        sort(&mut words);
        assert_eq!(words, ["a", "b", "c"]);
        let mut empty: Vec<u8> = vec![];
        sort(&mut empty);
        assert!(empty.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_standard_stable_sort(keys in proptest::collection::vec(0u8..8, 0..64)) {
            let mut ours: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut std = ours.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by_key(|a| a.0);
            proptest::prop_assert_eq!(ours, std);
        }
    }
}
