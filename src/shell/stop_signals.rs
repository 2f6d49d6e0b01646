//! SIGINT and SIGTERM reach the shell alone. A terminal's Ctrl-C goes to the whole
//! foreground process group, and a stop by a service manager to every process of the
//! group: without care, WebKit's processes would die under the shell before it could
//! close its pages. While the shell runs, its UI thread (which starts WebKit's processes)
//! blocks both signals, so those processes start with them blocked too; the shell's own
//! handler runs on a handler-runtime thread, where they are not blocked. The private Xvfb
//! runs in a process group of its own (display.rs).

/// Blocks SIGINT and SIGTERM in the calling thread until dropped.
pub struct StopSignalsBlocked {
    previous: libc::sigset_t,
}

fn stop_set() -> libc::sigset_t {
    #[allow(unsafe_code)]
    // SAFETY: sigemptyset/sigaddset write only to the set they are given.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        set
    }
}

impl StopSignalsBlocked {
    /// Blocks the two signals in this thread (and in the threads and processes it starts).
    pub fn new() -> StopSignalsBlocked {
        let set = stop_set();
        #[allow(unsafe_code)]
        // SAFETY: pthread_sigmask reads `set` and writes the old mask to `previous`.
        unsafe {
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut previous);
            StopSignalsBlocked { previous }
        }
    }
}

impl Default for StopSignalsBlocked {
    fn default() -> Self {
        StopSignalsBlocked::new()
    }
}

impl Drop for StopSignalsBlocked {
    fn drop(&mut self) {
        #[allow(unsafe_code)]
        // SAFETY: restores the mask this thread had.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}

/// Unblocks the two signals in the calling thread (each handler-runtime thread, where the
/// shell's handler runs).
pub fn unblock_in_this_thread() {
    let set = stop_set();
    #[allow(unsafe_code)]
    // SAFETY: pthread_sigmask reads `set` only.
    unsafe {
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

/// Whether SIGINT is blocked in the process `pid` (from `/proc/<pid>/status`).
pub fn sigint_blocked(pid: u32) -> Option<bool> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let mask = status.lines().find_map(|line| line.strip_prefix("SigBlk:"))?.trim();
    let mask = u64::from_str_radix(mask, 16).ok()?;
    Some(mask & (1 << (libc::SIGINT - 1)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_holds_in_threads_started_under_it_and_ends_with_the_guard() {
        let me = || std::fs::read_to_string("/proc/thread-self/status").unwrap();
        let blocked_here = |status: String| {
            let mask = status.lines().find_map(|l| l.strip_prefix("SigBlk:")).unwrap().trim().to_string();
            u64::from_str_radix(&mask, 16).unwrap() & (1 << (libc::SIGINT - 1)) != 0
        };
        std::thread::spawn(move || {
            assert!(!blocked_here(me()));
            let guard = StopSignalsBlocked::new();
            assert!(blocked_here(me()));
            let child = std::thread::spawn(move || {
                let inherited = blocked_here(me());
                unblock_in_this_thread();
                (inherited, blocked_here(me()))
            });
            assert_eq!(child.join().unwrap(), (true, false));
            drop(guard);
            assert!(!blocked_here(me()));
        })
        .join()
        .unwrap();
        assert!(sigint_blocked(std::process::id()).is_some());
    }
}
