//! What the no-panic and budget tests share: a counting allocator, so a
//! test can say how much memory something took (it counts per thread, so
//! tests running beside each other do not disturb each other's figures),
//! and the bounds every generated input must stay within.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Counts the bytes each thread has allocated and not freed, and the peak.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    /// Bytes ever allocated: work that copies what it has over and over
    /// (quadratic in its input) shows here even when it frees as it goes.
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    // `try_with`: the allocator also runs while a thread's locals are torn down.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
    if delta > 0 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(delta as usize)));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most one input may take above what was held before it. The budgets
/// allow a few MiB of values and 16 MiB of files; copies for subshells,
/// pipes and a session's probes multiply that by a small factor.
pub const MEMORY_BOUND: isize = 256 << 20;

/// A hang detector, not a speed target: the work budget stops a line in
/// well under a second of optimised time; a debug build is slower.
pub const TIME_BOUND: Duration = Duration::from_secs(60);

/// What running something took.
pub struct Took<T> {
    pub value: T,
    /// Bytes above what this thread held before, at the peak.
    pub peak: isize,
    /// Bytes allocated in all (freed or not).
    pub allocated: usize,
    pub time: Duration,
}

impl<T> Took<T> {
    /// Whether it stayed within [`MEMORY_BOUND`] and [`TIME_BOUND`]; the
    /// problem in words otherwise.
    pub fn within_bounds(&self) -> Result<(), String> {
        if self.peak >= MEMORY_BOUND {
            return Err(format!("took {} MiB", self.peak >> 20));
        }
        if self.time >= TIME_BOUND {
            return Err(format!("took {:?}", self.time));
        }
        Ok(())
    }
}

/// Runs `f`, counting the memory it took at its peak and the time.
pub fn measure<T>(f: impl FnOnce() -> T) -> Took<T> {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let allocated = ALLOCATED.with(Cell::get);
    let start = Instant::now();
    let value = f();
    let time = start.elapsed();
    let peak = PEAK.with(Cell::get) - base;
    let allocated = ALLOCATED.with(Cell::get) - allocated;
    Took {
        value,
        peak,
        allocated,
        time,
    }
}
