//! Reading a network's returns on several threads within a memory budget. Decision: a return
//! is started only while the estimated memory of the returns in hand, its own included, stays
//! within [`MEMORY_BUDGET`], or when no other is in hand; so many small returns are read side
//! by side, a large one alone, and one inbox of large files cannot multiply a large file's
//! memory by the number of cores. Returns are started in order and their results kept in
//! order, so the summary is the same whatever the number of jobs.

use std::sync::{Condvar, Mutex};

/// Memory the returns in hand at once may take, by estimate. With the program itself and the
/// toolkit (about 15 MiB), a network stays within 64 MiB unless one return alone needs more.
pub const MEMORY_BUDGET: u64 = 48 * 1024 * 1024;

/// Estimated memory per byte of a return while it is read and recomputed: measured at up to
/// 20 for the densest returns (many small tables, each a valued line), about 4 for returns
/// that are mostly story text.
pub const MEMORY_PER_BYTE: u64 = 20;

/// Estimated peak memory of reading and recomputing a return of `size` bytes. A file over the
/// submission limit is refused before it is read, so costs nothing.
pub fn cost(size: u64) -> u64 {
    if size > crate::submission::MAX_SUBMISSION_FILE {
        return 0;
    }
    size.saturating_mul(MEMORY_PER_BYTE)
}

/// What is in hand: the next item to start and the cost of those started and not finished.
struct Hand {
    next: usize,
    in_flight: u64,
}

/// Runs `work` on every item on up to `jobs` threads, starting items in order, each only
/// while the costs in hand, its own included, stay within `budget` (or when nothing else is in
/// hand). The results are in the items' order.
pub fn run<T: Sync, R: Send>(
    items: &[T],
    costs: &[u64],
    jobs: usize,
    budget: u64,
    work: &(dyn Fn(&T) -> R + Sync),
) -> Vec<R> {
    let hand = Mutex::new(Hand {
        next: 0,
        in_flight: 0,
    });
    let freed = Condvar::new();
    let threads = jobs.clamp(1, 256).min(items.len().max(1));
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| worker(items, costs, budget, &hand, &freed, work)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// One thread: takes the next item when the budget allows, until none are left.
fn worker<T, R>(
    items: &[T],
    costs: &[u64],
    budget: u64,
    hand: &Mutex<Hand>,
    freed: &Condvar,
    work: &(dyn Fn(&T) -> R + Sync),
) -> Vec<(usize, R)> {
    let mut out = Vec::new();
    while let Some((i, cost)) = admit(costs, budget, hand, freed) {
        out.push((i, work(&items[i])));
        let mut h = hand.lock().unwrap_or_else(|p| p.into_inner());
        h.in_flight -= cost;
        freed.notify_all();
    }
    out
}

/// The next item and its cost, once it fits; `None` when every item has been taken.
fn admit(costs: &[u64], budget: u64, hand: &Mutex<Hand>, freed: &Condvar) -> Option<(usize, u64)> {
    let mut h = hand.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let i = h.next;
        let cost = *costs.get(i)?;
        if h.in_flight == 0 || h.in_flight.saturating_add(cost) <= budget {
            h.next += 1;
            h.in_flight += cost;
            return Some((i, cost));
        }
        h = freed.wait(h).unwrap_or_else(|p| p.into_inner());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn work_in_hand_stays_within_the_budget_and_results_keep_their_order() {
        let costs: Vec<u64> = vec![10, 30, 25, 100, 5, 5, 40, 60, 1, 1, 1, 1, 90, 20];
        let items: Vec<usize> = (0..costs.len()).collect();
        let in_hand = AtomicU64::new(0);
        let alone = AtomicU64::new(0);
        let worst = AtomicU64::new(0);
        let work = |i: &usize| {
            let now = in_hand.fetch_add(costs[*i], Ordering::SeqCst) + costs[*i];
            if costs[*i] > 64 && now != costs[*i] {
                alone.fetch_add(1, Ordering::SeqCst);
            }
            worst.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(5));
            in_hand.fetch_sub(costs[*i], Ordering::SeqCst);
            *i * 2
        };
        let out = run(&items, &costs, 4, 64, &work);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        // Over the budget only when one item alone is: then it ran alone.
        assert!(worst.load(Ordering::SeqCst) <= 100);
        assert_eq!(alone.load(Ordering::SeqCst), 0);
        assert_eq!(run(&items, &costs, 1, 64, &work), out);
        assert!(run(&[] as &[usize], &[], 4, 64, &work).is_empty());
    }

    #[test]
    fn a_file_too_large_to_read_costs_nothing() {
        assert_eq!(cost(1000), 20_000);
        assert_eq!(cost(crate::submission::MAX_SUBMISSION_FILE + 1), 0);
    }
}
