//! A child's own exit code and peak resident memory, by `wait4`: shared by
//! tests/memory_bounds.rs and benches/hostile.rs (which includes this file by path).

/// Waits for child `pid` (which must not be waited for elsewhere) and returns its exit code
/// (`None` when a signal ended it) and its own peak resident memory in KiB.
#[allow(dead_code)] // Used by the tests and benches/hostile.rs, not by benches/hours.rs.
pub fn wait_with_peak(pid: libc::pid_t) -> (Option<i32>, u64) {
    let (code, peak, _) = wait_with_usage(pid);
    (code, peak)
}

/// As [`wait_with_peak`], with the child's CPU time too (user and system).
#[allow(dead_code)] // Used by benches/hours.rs, not by every file that includes this one.
pub fn wait_with_usage(pid: libc::pid_t) -> (Option<i32>, u64, std::time::Duration) {
    let mut status = 0;
    // SAFETY: wait4 writes only into the two values passed; the child is the caller's.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut usage);
        usage
    };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let time = |t: libc::timeval| {
        std::time::Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64)
    };
    let cpu = time(usage.ru_utime) + time(usage.ru_stime);
    (code, usage.ru_maxrss as u64, cpu)
}
