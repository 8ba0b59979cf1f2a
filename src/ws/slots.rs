//! How many WebSocket connections a node holds, in all and per client address.
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
};

/// The open connections, counted; a [`Slot`] is held for each.
#[derive(Debug)]
pub struct ConnectionSlots {
    max_total: usize,
    max_per_client: usize,
    open: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// Which limit refused a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    Node,
    Client,
}

impl Full {
    pub fn limit(self) -> &'static str {
        match self {
            Self::Node => "connections",
            Self::Client => "connections_per_client",
        }
    }
}

/// One open connection's place; given back when dropped.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<ConnectionSlots>,
    client: IpAddr,
}

impl ConnectionSlots {
    pub fn new(max_total: usize, max_per_client: usize) -> Self {
        Self {
            max_total,
            max_per_client,
            open: Mutex::new(Counts::default()),
        }
    }

    /// A slot for a connection from `client`, unless the node or the client
    /// already holds as many as allowed.
    pub fn acquire(self: &Arc<Self>, client: IpAddr) -> Result<Slot, Full> {
        let client = crate::http::limit_key(client);
        let mut open = self.lock();
        if open.total >= self.max_total {
            return Err(Full::Node);
        }
        if open.per_client.get(&client).copied().unwrap_or(0) >= self.max_per_client {
            return Err(Full::Client);
        }
        *open.per_client.entry(client).or_default() += 1;
        open.total += 1;
        Ok(Slot {
            slots: self.clone(),
            client,
        })
    }

    /// Connections open now (for tests and metrics).
    pub fn open(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.lock();
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.per_client.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.per_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_client_and_in_all_and_gives_slots_back() {
        let slots = Arc::new(ConnectionSlots::new(3, 2));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = slots.acquire(a).unwrap();
        let _second = slots.acquire(a).unwrap();
        assert_eq!(slots.acquire(a).unwrap_err(), Full::Client);
        let _third = slots.acquire(b).unwrap();
        assert_eq!(slots.acquire(b).unwrap_err(), Full::Node);
        drop(first);
        assert_eq!(slots.open(), 2);
        assert!(slots.acquire(a).is_ok());
        assert_eq!(slots.lock().per_client.len(), 2);
    }
}
