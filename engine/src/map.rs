//! One ordered map (and set) for the whole program: a sorted `Vec`.
//!
//! The standard library's `BTreeMap` is compiled anew for every key and
//! value type, and its node code is large: insert, remove, the rebalancing
//! steals and merges, clone, drop and `collect`'s sort. For the sixty-odd
//! maps the engine keeps that was a tenth of the page's code; moving them
//! here took 300 KB off the wasm before wasm-opt (85 KB off the page, gzip).
//! The maps here hold what a cluster has (objects, chains, labels,
//! addresses): up to a thousand or so entries, where a sorted `Vec` is as
//! fast, and its per-type code is a binary search and a `Vec` insert.
//! Iteration is in key order, as `BTreeMap`'s, so everything printed from
//! them reads the same.
//!
//! The price: an insert out of key order moves the entries after it, so
//! filling a map one out-of-order insert at a time is quadratic. Build a
//! map from many keys at once with `collect` or `extend` (one sort), never
//! with a loop of `insert` over keys the student chose; and where a loop
//! must ask "seen before?" as it goes (duplicates in a document), use a
//! `HashSet`. Maps that the student's own loops fill one entry at a time
//! (the shell's variables, files) stay `BTreeMap`s, whose inserts stay
//! logarithmic.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

/// An ordered map with `BTreeMap`'s interface (the part the engine uses).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Map<K, V> {
    /// Sorted by key, each key once.
    entries: Vec<(K, V)>,
}

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> Map<K, V> {
    pub const fn new() -> Self {
        Map {
            entries: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> Map<K, V> {
    /// Where `key` is (`Ok`), or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// The old value, if `key` was there (the old key stays, as in `BTreeMap`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Keys often come in order (a `collect`, a copy): a push.
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry {
                map: self,
                index,
                key,
            }),
        }
    }

    /// Moves every entry of `other` in (its values win), leaving it empty.
    pub fn append(&mut self, other: &mut Self) {
        for (k, v) in std::mem::take(&mut other.entries) {
            self.insert(k, v);
        }
    }

    /// The entries from `key` on, which `self` gives up.
    pub fn split_off<Q: Ord + ?Sized>(&mut self, key: &Q) -> Self
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).unwrap_or_else(|i| i);
        Map {
            entries: self.entries.split_off(at),
        }
    }

    /// The entries whose keys are in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: std::ops::RangeBounds<Q>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)>
    where
        K: Borrow<Q>,
    {
        use std::ops::Bound;
        let start = match range.start_bound() {
            Bound::Included(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Excluded(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        self.entries[start..end.max(start)]
            .iter()
            .map(|(k, v)| (k, v))
    }
}

/// A key's place in a [`Map`], as `btree_map::Entry`.
pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut Map<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut Map<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }

    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default()),
        }
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }

    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => &e.map.entries[e.index].0,
            Entry::Vacant(e) => &e.key,
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }

    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }

    pub fn remove(self) -> V {
        self.map.entries.remove(self.index).1
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

impl<K: Ord, V> Map<K, V> {
    /// Sorts `entries` by key, once; of a key given more than once, the
    /// first key stays with the last value (as repeated inserts leave it).
    fn sorted(mut entries: Vec<(K, V)>) -> Self {
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return Map { entries };
        }
        crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        // Stable: of equal keys, the last given comes last.
        let mut kept: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match kept.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => kept.push((k, v)),
            }
        }
        Map { entries: kept }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for Map<K, V> {
    /// As `BTreeMap`: in key order, and a key given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Map::sorted(iter.into_iter().collect())
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for Map<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K: Ord, V> Extend<(K, V)> for Map<K, V> {
    /// As inserting each in turn, with one sort for the lot.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.extend(iter);
        *self = Map::sorted(entries);
    }
}

impl<K, V> IntoIterator for Map<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a Map<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, K, V> IntoIterator for &'a mut Map<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter =
        std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for Map<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Map<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for Map<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for Map<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Through the standard map, whose visitor serde already has.
        let map = std::collections::BTreeMap::<K, V>::deserialize(d)?;
        Ok(map.into_iter().collect())
    }
}

/// A map by name filled in any order: the entries in the order their
/// names first came, an index by name, and one sort at the end
/// ([`ByName::into_map`]). For tables whose names are hashes (kube-proxy's
/// and Felix's chains), thousands of them in a big cluster, where a
/// [`Map`] kept sorted as they come would move half of itself each time.
#[derive(Debug, Clone)]
pub struct ByName<V> {
    index: HashMap<String, usize>,
    list: Vec<(String, V)>,
}

impl<V> Default for ByName<V> {
    fn default() -> Self {
        ByName {
            index: HashMap::new(),
            list: Vec::new(),
        }
    }
}

impl<V> ByName<V> {
    /// The entry named `name`, made by `make` if there is none.
    pub fn get_or_insert_with(&mut self, name: &str, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.index.get(name) {
            Some(&at) => at,
            None => {
                self.index.insert(name.to_string(), self.list.len());
                self.list.push((name.to_string(), make()));
                self.list.len() - 1
            }
        };
        &mut self.list[at].1
    }

    /// Sets the entry named `name` (in the place it had, if it had one).
    pub fn insert(&mut self, name: &str, value: V) {
        match self.index.get(name) {
            Some(&at) => self.list[at].1 = value,
            None => {
                self.index.insert(name.to_string(), self.list.len());
                self.list.push((name.to_string(), value));
            }
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// In the order the names first came.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.list.iter().map(|(k, v)| (k, v))
    }

    pub fn into_map(self) -> Map<String, V> {
        self.list.into_iter().collect()
    }
}

/// For each item, whether an equal item came before it (a `None` never
/// repeats, nor makes another repeat): a document's duplicate checks, in
/// one sort where a [`Set`] filled in the document's order would move half
/// of itself at each insert.
pub fn repeats<T: Ord>(items: &[Option<T>]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..items.len()).filter(|&i| items[i].is_some()).collect();
    // Stable: of equal items, the first in the document comes first.
    crate::sort::sort_by(&mut order, |&a, &b| items[a].cmp(&items[b]));
    let mut out = vec![false; items.len()];
    for pair in order.windows(2) {
        if items[pair[0]] == items[pair[1]] {
            out[pair[1]] = true;
        }
    }
    out
}

/// An ordered set with `BTreeSet`'s interface (the part the engine uses).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Set<T> {
    /// Sorted, each element once.
    items: Vec<T>,
}

impl<T> Default for Set<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Set<T> {
    pub const fn new() -> Self {
        Set { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<T: Ord> Set<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(value))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| &self.items[i])
    }

    /// Whether `value` was new (an equal element already there stays).
    pub fn insert(&mut self, value: T) -> bool {
        if self.items.last().is_none_or(|last| *last < value) {
            self.items.push(value);
            return true;
        }
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).map(|i| self.items.remove(i)).is_ok()
    }

    pub fn is_subset(&self, other: &Set<T>) -> bool {
        self.items.iter().all(|t| other.contains(t))
    }

    pub fn difference<'a>(&'a self, other: &'a Set<T>) -> impl Iterator<Item = &'a T> + Clone {
        self.items.iter().filter(move |t| !other.contains(*t))
    }

    pub fn intersection<'a>(&'a self, other: &'a Set<T>) -> impl Iterator<Item = &'a T> + Clone {
        self.items.iter().filter(move |t| other.contains(*t))
    }

    pub fn union<'a>(&'a self, other: &'a Set<T>) -> impl Iterator<Item = &'a T> + Clone {
        // In order, as BTreeSet's: merge the two sorted lists.
        let (mut a, mut b) = (self.items.iter().peekable(), other.items.iter().peekable());
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Less => a.next(),
                Ordering::Greater => b.next(),
                Ordering::Equal => {
                    b.next();
                    a.next()
                }
            },
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        })
    }
}

impl<T: Ord> Set<T> {
    /// Sorts `items`, once; of equal elements the first given stays (as
    /// repeated inserts leave it).
    fn sorted(mut items: Vec<T>) -> Self {
        if !items.windows(2).all(|w| w[0] < w[1]) {
            crate::sort::sort(&mut items);
            items.dedup();
        }
        Set { items }
    }
}

impl<T: Ord> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Set::sorted(iter.into_iter().collect())
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for Set<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Ord> Extend<T> for Set<T> {
    /// As inserting each in turn, with one sort for the lot.
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let mut items = std::mem::take(&mut self.items);
        items.extend(iter);
        *self = Set::sorted(items);
    }
}

impl<T> IntoIterator for Set<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Set<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for Set<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Entry(u8, u16),
        Retain(u8),
        SplitOff(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 32, v)),
            any::<u8>().prop_map(|k| Op::Remove(k % 32)),
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Entry(k % 32, v)),
            any::<u8>().prop_map(|m| Op::Retain(m % 7 + 1)),
            any::<u8>().prop_map(|k| Op::SplitOff(k % 40)),
        ]
    }

    proptest! {
        /// Every operation answers as `BTreeMap`'s does, and the two hold
        /// the same entries in the same order after each.
        #[test]
        fn behaves_as_btreemap(ops in prop::collection::vec(op(), 0..80), start in prop::collection::vec((0u8..32, any::<u16>()), 0..40)) {
            let mut ours: Map<u8, u16> = start.iter().copied().collect();
            let mut std: BTreeMap<u8, u16> = start.iter().copied().collect();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), std.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(ours.remove(&k), std.remove(&k)),
                    Op::Entry(k, v) => {
                        *ours.entry(k).and_modify(|x| *x = x.wrapping_add(1)).or_insert(v) ^= 1;
                        *std.entry(k).and_modify(|x| *x = x.wrapping_add(1)).or_insert(v) ^= 1;
                    }
                    Op::Retain(m) => {
                        ours.retain(|k, _| k % m != 0);
                        std.retain(|k, _| k % m != 0);
                    }
                    Op::SplitOff(k) => {
                        let a: Vec<_> = ours.split_off(&k).into_iter().collect();
                        let b: Vec<_> = std.split_off(&k).into_iter().collect();
                        prop_assert_eq!(a, b);
                    }
                }
                prop_assert!(ours.iter().eq(std.iter()));
                prop_assert_eq!(ours.len(), std.len());
            }
            for lo in 0u8..34 {
                for hi in lo..34 {
                    prop_assert!(ours.range(lo..hi).eq(std.range(lo..hi)));
                    prop_assert!(ours.range(lo..=hi).eq(std.range(lo..=hi)));
                }
                prop_assert!(ours.range(lo..).eq(std.range(lo..)));
                prop_assert_eq!(ours.get(&lo), std.get(&lo));
            }
        }

        #[test]
        fn set_behaves_as_btreeset(a in prop::collection::vec(0u8..40, 0..40), b in prop::collection::vec(0u8..40, 0..40), drop in 0u8..40) {
            let (mut sa, sb): (Set<u8>, Set<u8>) = (a.iter().copied().collect(), b.iter().copied().collect());
            let (mut ta, tb): (BTreeSet<u8>, BTreeSet<u8>) = (a.iter().copied().collect(), b.iter().copied().collect());
            prop_assert!(sa.iter().eq(ta.iter()));
            prop_assert!(sa.union(&sb).eq(ta.union(&tb)));
            prop_assert!(sa.difference(&sb).eq(ta.difference(&tb)));
            prop_assert!(sa.intersection(&sb).eq(ta.intersection(&tb)));
            prop_assert_eq!(sa.is_subset(&sb), ta.is_subset(&tb));
            prop_assert_eq!(sa.remove(&drop), ta.remove(&drop));
            prop_assert_eq!(sa.insert(drop), ta.insert(drop));
            prop_assert!(sa.iter().eq(ta.iter()));
        }
    }

    proptest! {
        /// `extend` (one sort) leaves what inserting each in turn leaves.
        #[test]
        fn extend_is_inserting_each(start in prop::collection::vec((0u8..32, any::<u16>()), 0..40), more in prop::collection::vec((0u8..32, any::<u16>()), 0..40)) {
            let mut ours: Map<u8, u16> = start.iter().copied().collect();
            let mut std: BTreeMap<u8, u16> = start.iter().copied().collect();
            ours.extend(more.iter().copied());
            std.extend(more.iter().copied());
            prop_assert!(ours.iter().eq(std.iter()));
            let mut set: Set<u8> = start.iter().map(|p| p.0).collect();
            let mut tset: BTreeSet<u8> = start.iter().map(|p| p.0).collect();
            set.extend(more.iter().map(|p| p.0));
            tset.extend(more.iter().map(|p| p.0));
            prop_assert!(set.iter().eq(tset.iter()));
        }
    }

    proptest! {
        /// `repeats` says what a set filled in order says.
        #[test]
        fn repeats_is_a_set_filled_in_order(items in prop::collection::vec(prop::option::of(0u8..12), 0..40)) {
            let mut seen = BTreeSet::new();
            let want: Vec<bool> = items.iter().map(|i| i.is_some_and(|x| !seen.insert(x))).collect();
            prop_assert_eq!(repeats(&items), want);
        }
    }

    #[test]
    fn a_key_given_twice_keeps_its_last_value() {
        let m: Map<&str, u8> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(format!("{m:?}"), r#"{"a": 2, "b": 3}"#);
    }
}
