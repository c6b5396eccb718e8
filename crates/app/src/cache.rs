//! A small in-process cache for what every request reads and almost nothing writes: sessions,
//! categories, the working-day calendar.
//!
//! An entry lives for a fixed time measured on the app's clock. A change made through this
//! process clears the cache at once; a change made by another process (a second `serve`, a
//! `gridgov import` at the command line) is seen when the entry expires. The lifetimes are
//! chosen per cache and written down in the README's design notes.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    map: Mutex<HashMap<K, (DateTime<Utc>, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        TtlCache {
            ttl,
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The value stored for `k` less than the lifetime ago (a clock moved backwards counts as
    /// expired too).
    pub fn get(&self, k: &K, now: DateTime<Utc>) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(k)
            .filter(|(at, _)| *at <= now && now - *at < self.ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, k: K, v: V, now: DateTime<Utc>) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.capacity {
            let ttl = self.ttl;
            map.retain(|_, (at, _)| *at <= now && now - *at < ttl);
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(k, (now, v));
    }

    pub fn remove(&self, k: &K) {
        self.map.lock().unwrap_or_else(|p| p.into_inner()).remove(k);
    }

    pub fn clear(&self) {
        self.map.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn entries_expire_and_clear() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
        let c: TtlCache<&str, i32> = TtlCache::new(Duration::seconds(5), 10);
        c.put("a", 1, t0);
        assert_eq!(c.get(&"a", t0 + Duration::seconds(4)), Some(1));
        assert_eq!(c.get(&"a", t0 + Duration::seconds(5)), None);
        // A clock that went backwards does not keep an entry alive.
        assert_eq!(c.get(&"a", t0 - Duration::seconds(1)), None);
        c.put("b", 2, t0);
        c.remove(&"b");
        assert_eq!(c.get(&"b", t0), None);
        c.put("c", 3, t0);
        c.clear();
        assert_eq!(c.get(&"c", t0), None);
    }

    #[test]
    fn capacity_drops_expired_entries_first() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
        let c: TtlCache<i32, i32> = TtlCache::new(Duration::seconds(5), 3);
        c.put(1, 1, t0);
        c.put(2, 2, t0 + Duration::seconds(3));
        c.put(3, 3, t0 + Duration::seconds(3));
        // Full: the expired entry 1 makes room, the fresh ones stay.
        c.put(4, 4, t0 + Duration::seconds(6));
        assert_eq!(c.get(&2, t0 + Duration::seconds(6)), Some(2));
        assert_eq!(c.get(&4, t0 + Duration::seconds(6)), Some(4));
        // Full of fresh entries: everything goes, the cache never grows past its capacity.
        c.put(5, 5, t0 + Duration::seconds(6));
        assert_eq!(c.get(&2, t0 + Duration::seconds(6)), None);
        assert_eq!(c.get(&5, t0 + Duration::seconds(6)), Some(5));
    }
}
