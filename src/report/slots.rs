//! The dense store behind a table's rows and a row's cells: one slot per row (or column)
//! of the template, in template order, keyed by the canonical keys. Looks and prints like
//! a map sorted by key (JSON is written in key order), but placing a cell is an index, not
//! a string key copied and compared into a tree — a report has some 200 cells.

use serde::ser::{Serialize, SerializeMap, Serializer};
use std::sync::{Arc, OnceLock};

/// The keys of one side of a table — its rows, or the columns of one of its parts — in
/// template order, with their order by key for lookups and output. Built once per template.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Keys {
    names: Vec<String>,
    /// Positions into `names`, sorted by name.
    sorted: Vec<u32>,
}

impl Keys {
    /// Keys in template order (distinct; a repeated key keeps its first position).
    pub fn new(names: Vec<String>) -> Keys {
        let mut sorted: Vec<u32> = (0..names.len() as u32).collect();
        sorted.sort_by(|a, b| names[*a as usize].cmp(&names[*b as usize]).then(a.cmp(b)));
        sorted.dedup_by(|a, b| names[*a as usize] == names[*b as usize]);
        Keys { names, sorted }
    }

    /// The template position of a key.
    pub fn position(&self, key: &str) -> Option<usize> {
        let at = self.sorted.binary_search_by(|i| self.names[*i as usize].as_str().cmp(key)).ok()?;
        Some(self.sorted[at] as usize)
    }

    /// The key at a template position.
    pub fn name(&self, position: usize) -> Option<&str> {
        self.names.get(position).map(String::as_str)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// No keys at all.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// No keys: the store of a row whose cells are unknown.
fn no_keys() -> Arc<Keys> {
    static EMPTY: OnceLock<Arc<Keys>> = OnceLock::new();
    EMPTY.get_or_init(|| Arc::new(Keys::default())).clone()
}

/// Values by canonical key, one slot per key of a template side; an empty slot is a row or
/// cell not found in the source (never invented).
#[derive(Clone)]
pub struct Slots<T> {
    keys: Arc<Keys>,
    slots: Vec<Option<T>>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { keys: no_keys(), slots: Vec::new() }
    }
}

impl<T> Slots<T> {
    /// All slots empty.
    pub fn new(keys: Arc<Keys>) -> Self {
        let slots = std::iter::repeat_with(|| None).take(keys.len()).collect();
        Slots { keys, slots }
    }

    /// The value under a key.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.slots.get(self.keys.position(key)?)?.as_ref()
    }

    /// The value under a key, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        let at = self.keys.position(key)?;
        self.slots.get_mut(at)?.as_mut()
    }

    /// Whether a value is under the key.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Put a value under a key of the template side; gives it back when the side has no
    /// such key. Returns the value it replaced.
    pub fn insert(&mut self, key: &str, value: T) -> Result<Option<T>, T> {
        match self.keys.position(key) {
            Some(at) => Ok(self.slots[at].replace(value)),
            None => Err(value),
        }
    }

    /// The value at a template position.
    pub fn at(&self, position: usize) -> Option<&T> {
        self.slots.get(position)?.as_ref()
    }

    /// The value at a template position, to change it.
    pub fn at_mut(&mut self, position: usize) -> Option<&mut T> {
        self.slots.get_mut(position)?.as_mut()
    }

    /// Put a value at a template position (out of range: dropped, as no such key exists).
    pub fn put(&mut self, position: usize, value: T) {
        if let Some(slot) = self.slots.get_mut(position) {
            *slot = Some(value);
        }
    }

    /// The slots in template order.
    pub fn dense(&self) -> &[Option<T>] {
        &self.slots
    }

    /// Whether these slots are laid out by exactly these keys (the same template side).
    pub fn keyed_by(&self, keys: &Arc<Keys>) -> bool {
        Arc::ptr_eq(&self.keys, keys)
    }

    /// Number of values present.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// No value present.
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }

    /// Present values as (key, value), sorted by key.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { slots: self, sorted: self.keys.sorted.iter() }
    }

    /// Present keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(k, _)| k)
    }

    /// Present values, by key.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.iter().map(|(_, v)| v)
    }

    /// Present values, to change them (template order).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.slots.iter_mut().flatten()
    }
}

impl<T> std::ops::Index<&str> for Slots<T> {
    type Output = T;
    fn index(&self, key: &str) -> &T {
        self.get(key).unwrap_or_else(|| panic!("no entry for key {key:?}"))
    }
}

/// The present values of [`Slots`] as (key, value), sorted by key.
pub struct Iter<'a, T> {
    slots: &'a Slots<T>,
    sorted: std::slice::Iter<'a, u32>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = (&'a str, &'a T);
    fn next(&mut self) -> Option<Self::Item> {
        let slots = self.slots;
        self.sorted.find_map(|i| {
            let i = *i as usize;
            Some((slots.keys.names[i].as_str(), slots.slots[i].as_ref()?))
        })
    }
}

impl<'a, T> IntoIterator for &'a Slots<T> {
    type Item = (&'a str, &'a T);
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Slots<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Written as a map sorted by key, as a `BTreeMap` would be.
impl<T: Serialize> Serialize for Slots<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_like_a_sorted_map() {
        let keys = Arc::new(Keys::new(vec!["total".into(), "natural".into(), "other".into()]));
        let mut s: Slots<u32> = Slots::new(keys.clone());
        assert!(s.is_empty());
        assert_eq!(s.insert("other", 3), Ok(None));
        assert_eq!(s.insert("total", 1), Ok(None));
        assert_eq!(s.insert("total", 2), Ok(Some(1)));
        assert_eq!(s.insert("nope", 9), Err(9));
        assert_eq!(s.len(), 2);
        assert_eq!(s.iter().collect::<Vec<_>>(), [("other", &3), ("total", &2)]);
        assert_eq!(s["other"], 3);
        assert!(!s.contains_key("natural") && s.get("nope").is_none());
        assert_eq!(s.dense(), [Some(2), None, Some(3)]);
        assert!(s.keyed_by(&keys) && !s.keyed_by(&Arc::new(Keys::default())));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"other":3,"total":2}"#);
        assert_eq!(keys.position("natural"), Some(1));
        assert_eq!(keys.name(2), Some("other"));
    }
}
