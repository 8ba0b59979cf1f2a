//! Deterministic DataLoader batching.
//!
//! async-graphql's DataLoader hands each batch to a spawner and waits 1 ms for
//! more keys. With `tokio::spawn` another worker thread can start that timer while
//! this one is still walking a page and registering keys; and the executor itself
//! yields cooperatively partway through long lists. Either way, under load one
//! level of a page could split into several batches (and statements).
//!
//! Here the batch tasks run inside the request's own task, and are polled only
//! when the work is really waiting: a poll in which the work woke itself (a
//! cooperative yield) is followed by another poll of the work, so every key of a
//! level is registered before its batch can start. And new batches start only
//! when no batch is running: sibling branches (a group's members and its
//! commitments, say) finish at different moments, and the next level's keys from
//! all of them then go out together.
use std::{
    future::{poll_fn, Future},
    pin::pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll, Wake, Waker},
};

use futures_util::{future::BoxFuture, stream::FuturesUnordered, StreamExt};

type Queue = Arc<Mutex<Vec<BoxFuture<'static, ()>>>>;

/// How many self-wakes in a row are taken as yields before batches run anyway,
/// so that a future that always wakes itself cannot starve its own loads.
const MAX_CONSECUTIVE_YIELDS: usize = 1_000;

#[derive(Default)]
pub struct BatchScope {
    queue: Queue,
}

impl BatchScope {
    /// The spawner to give the request's DataLoader.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let queue = self.queue.clone();
        move |task| queue.lock().unwrap_or_else(|e| e.into_inner()).push(task)
    }

    /// Drives `work` and the batch tasks it queues, all in the calling task.
    pub async fn run<F: Future>(self, work: F) -> F::Output {
        let mut work = pin!(work);
        let mut batches = FuturesUnordered::new();
        let mut waiting: Vec<BoxFuture<'static, ()>> = Vec::new();
        poll_fn(move |cx| loop {
            let mut yields = 0;
            loop {
                let flag = Arc::new(FlagWaker::new(cx.waker().clone()));
                let waker = Waker::from(flag.clone());
                if let Poll::Ready(output) = work.as_mut().poll(&mut Context::from_waker(&waker)) {
                    return Poll::Ready(output);
                }
                yields += 1;
                if !flag.woken() || yields >= MAX_CONSECUTIVE_YIELDS {
                    break;
                }
            }
            waiting.append(&mut self.queue.lock().unwrap_or_else(|e| e.into_inner()));
            let added = batches.is_empty() && !waiting.is_empty();
            if added {
                batches.extend(waiting.drain(..));
            }
            let mut finished = false;
            while let Poll::Ready(Some(())) = batches.poll_next_unpin(cx) {
                finished = true;
            }
            // A finished batch has woken the work it feeds, and new batches have
            // just armed their timers: go round once more. Otherwise wait.
            if !finished && !added {
                return Poll::Pending;
            }
        })
        .await
    }
}

/// Forwards wake-ups and remembers that one happened.
struct FlagWaker {
    woken: AtomicBool,
    inner: Waker,
}

impl FlagWaker {
    fn new(inner: Waker) -> Self {
        Self {
            woken: AtomicBool::new(false),
            inner,
        }
    }

    fn woken(&self) -> bool {
        self.woken.load(Ordering::Acquire)
    }
}

impl Wake for FlagWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.inner.wake_by_ref();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn queued_tasks_run_and_feed_the_work() {
        let scope = BatchScope::default();
        let spawn = scope.spawner();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let output = scope
            .run(async move {
                spawn(Box::pin(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    let _ = tx.send(41);
                }));
                rx.await.unwrap() + 1
            })
            .await;
        assert_eq!(output, 42);
    }

    #[tokio::test]
    async fn a_yielding_future_still_completes() {
        let scope = BatchScope::default();
        let output = scope
            .run(async {
                for _ in 0..5_000 {
                    tokio::task::yield_now().await;
                }
                7
            })
            .await;
        assert_eq!(output, 7);
    }
}
