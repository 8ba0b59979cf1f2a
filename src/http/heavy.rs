//! Costly requests run on threads of their own.
//!
//! A request's fields resolve in one task, and a task whose data is already
//! loaded resolves hundreds of objects without yielding. On the request
//! workers, four costly requests would keep every worker busy for tens of
//! milliseconds at a time, and a cheap request (a cached answer, a lookup by
//! id) would queue behind them. Run on a runtime of their own, they share the
//! cores with the request workers through the operating system's scheduler,
//! and its threads run at a lower priority (nice 10): while cheap requests
//! want the CPU they get it first, and when nothing else runs, costly requests
//! have the cores to themselves.
use std::{future::Future, sync::LazyLock};

/// Work (see `graphql::limits`) above which a request is costly.
pub const COSTLY_WORK: u64 = 2_000;

/// One thread per core; never dropped (a runtime must not be dropped from
/// async code, and tests start many servers in one process).
static COSTLY: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("coalition-costly")
        .on_thread_start(lower_priority)
        .enable_all()
        .build()
        .expect("the runtime for costly requests starts")
});

/// Nice 10 for the calling thread (on Linux a nice value is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; `who = 0` is the
    // calling thread. A failure leaves the priority as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Runs `work` on the costly-request threads; dropping the returned future
/// (the client went away, the request timed out) cancels it there too.
pub async fn run<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> Option<T> {
    let mut handle = AbortOnDrop(COSTLY.spawn(work));
    handle.await_result().await
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    async fn await_result(&mut self) -> Option<T> {
        (&mut self.0).await.ok()
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn costly_work_runs_on_its_own_lower_priority_threads() {
        let (thread, nice) = run(async {
            let name = std::thread::current().name().map(str::to_owned);
            // SAFETY: getpriority only reads its integer arguments.
            let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
            (name, nice)
        })
        .await
        .expect("the work ran");
        assert_eq!(thread.as_deref(), Some("coalition-costly"));
        if cfg!(target_os = "linux") {
            assert_eq!(nice, 10);
        }
    }
}
