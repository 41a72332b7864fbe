#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator serves large blocks, set once at process start.
///
/// glibc serves a block of 128 KiB or more with its own mapping, returned to the system when
/// freed; but after the first such block is freed it raises that threshold (up to 32 MiB) and
/// serves later large blocks from its heap, which it keeps. A large tick grows arrays of
/// hundreds of thousands of intents and clocks by doubling: with the raised threshold every
/// outgrown buffer stayed resident, and the first tick over 100,000 tickets peaked some
/// 35 MiB higher. Fixing the threshold keeps the documented behaviour.
public enum LargeAllocations {
    /// Blocks from this size up get a mapping of their own (glibc's default threshold).
    public static let mappedFrom: Int32 = 128 * 1024
    /// `M_MMAP_THRESHOLD` of <malloc.h>.
    private static let mmapThreshold: Int32 = -3

    /// Fixes the threshold; a no-op where the allocator is not glibc's. The environment
    /// (`MALLOC_MMAP_THRESHOLD_`) still wins, so an operator can choose otherwise.
    public static func returnToSystemWhenFreed() {
        #if canImport(Glibc)
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
        // `mallopt` is declared in <malloc.h>, which the Glibc module leaves out.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, mappedFrom)
        #endif
    }
}
