//! The per-node hub: fans each event out to this node's subscribers of its
//! stream. One bounded broadcast channel per stream that has subscribers: a slow
//! subscriber lags (and then refills from the database) instead of holding up
//! the others or growing memory.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use entity::events;
use tokio::sync::{broadcast, watch};

/// How many events a stream's channel holds for its slowest subscriber.
const STREAM_CAPACITY: usize = 256;

pub type SharedEvent = Arc<events::Model>;

pub struct Hub {
    streams: Mutex<HashMap<String, broadcast::Sender<SharedEvent>>>,
    /// Bumped when this node may have missed published events (the bus
    /// reconnected): every live subscription then refills from the database.
    resync: watch::Sender<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            streams: Mutex::new(HashMap::new()),
            resync: watch::Sender::new(0),
        }
    }
}

impl Hub {
    pub fn subscribe(&self, stream: &str) -> broadcast::Receiver<SharedEvent> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams
            .entry(stream.to_owned())
            .or_insert_with(|| broadcast::channel(STREAM_CAPACITY).0)
            .subscribe()
    }

    pub fn resync_signal(&self) -> watch::Receiver<u64> {
        self.resync.subscribe()
    }

    /// Hands an event to this node's subscribers of its stream (never blocks).
    pub fn deliver(&self, event: SharedEvent) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = streams.get(&event.stream) {
            if sender.send(event.clone()).is_err() {
                // Nobody listens any more: forget the stream.
                streams.remove(&event.stream);
            }
        }
    }

    /// Tells every live subscription to catch up from the database.
    pub fn resync(&self) {
        self.resync.send_modify(|generation| *generation += 1);
    }

    /// Streams with at least one subscriber on this node.
    pub fn stream_count(&self) -> usize {
        self.streams.lock().map(|s| s.len()).unwrap_or(0)
    }
}
