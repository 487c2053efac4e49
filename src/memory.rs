//! Memory the window frees every frame, kept for the next frame instead of being handed
//! back to the system.
//!
//! glibc's `malloc` gives the top of its heap back to the kernel whenever more than its trim
//! threshold (128 KiB at first) is free there, and the next allocation faults those pages
//! back in. The OpenGL driver allocates and frees buffers of a few hundred KiB every frame,
//! so with Mesa's software rasterizer each frame paid thousands of page faults: measured
//! here, 15 ms of a 16 ms frame while training at full speed. glibc raises its thresholds
//! (the mmap threshold to the block's size, the trim threshold to twice that) the first time
//! a block allocated by `mmap` is freed, so one large allocation, freed at once, is enough.

/// A block above glibc's initial mmap threshold (128 KiB) and below the largest it adopts
/// (32 MiB on 64-bit systems), so freeing it raises the trim threshold to 60 MiB.
const RAISING_BLOCK_BYTES: usize = 30 << 20;

/// Allocates and frees one large block so that glibc keeps freed memory for reuse (see the
/// module's documentation). Its pages are never touched, so it costs no memory; elsewhere
/// than glibc it does nothing of note.
pub fn keep_freed_memory_for_reuse() {
    let block: Vec<u8> = Vec::with_capacity(RAISING_BLOCK_BYTES);
    // Keep the optimiser from eliding the allocation.
    drop(std::hint::black_box(block));
}

// The block must lie between glibc's initial mmap threshold and the largest it adopts.
const _: () = assert!(RAISING_BLOCK_BYTES > 128 << 10 && RAISING_BLOCK_BYTES <= 32 << 20);
