//! Work for a second core: started on a thread of a scope when one can be started, and given
//! back to run in place when not (the result is the same either way).

use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

/// `work` started on a thread of `scope`, or given back if no thread can be started.
pub(super) fn spawn_or_keep<'scope, T: Send + 'scope, F: FnOnce() -> T + Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    work: F,
) -> Result<ScopedJoinHandle<'scope, T>, F> {
    // Builder::spawn_scoped consumes the closure even when it fails: keep it in a slot.
    let slot = Arc::new(Mutex::new(Some(work)));
    let theirs = Arc::clone(&slot);
    let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
        let work = theirs.lock().unwrap_or_else(|e| e.into_inner()).take().expect("taken once");
        work()
    });
    match spawned {
        Ok(handle) => Ok(handle),
        Err(_) => Err(slot.lock().unwrap_or_else(|e| e.into_inner()).take().expect("not started")),
    }
}
