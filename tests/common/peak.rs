//! A child's own exit code and peak resident memory, by `wait4`: shared by
//! tests/memory_bounds.rs and benches/hostile.rs (which includes this file by path).

/// Waits for child `pid` (which must not be waited for elsewhere) and returns its exit code
/// (`None` when a signal ended it) and its own peak resident memory in KiB.
pub fn wait_with_peak(pid: libc::pid_t) -> (Option<i32>, u64) {
    let mut status = 0;
    // SAFETY: wait4 writes only into the two values passed; the child is the caller's.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut usage);
        usage
    };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, usage.ru_maxrss as u64)
}
