import CJemalloc

#if canImport(Glibc)
import Glibc
#endif

/// The memory allocator of Baton's executables: jemalloc (Debian's `libjemalloc2`).
///
/// An executable that depends on this module links jemalloc ahead of the C library, so the
/// dynamic linker binds every `malloc` and `free` of the process to it, the Swift runtime's and
/// SQLite's included. Baton allocates on one thread and frees on another all the time (a call's
/// buffers cross from an event loop to the task pool, a workflow's writes to the store's writer
/// thread); glibc's allocator spends much of that traffic in its locked slow paths
/// (`_int_malloc`, `_int_free`, `malloc_consolidate`), which jemalloc's per-thread caches and
/// arenas avoid. The figures are in `Benchmarks/HISTORY.md`.
public enum Allocator {
    /// "jemalloc 5.3.0" when jemalloc serves this process's `malloc`, otherwise "the C library's
    /// malloc" (with the reason when jemalloc is present but not in use).
    public static let name: String = describe()

    /// Whether jemalloc serves this process's `malloc`.
    public static var isJemalloc: Bool { name.hasPrefix("jemalloc") }

    /// Returns the free pages the allocator keeps to the kernel (jemalloc otherwise returns them
    /// over about ten seconds), so that resident memory read right after counts live memory only.
    public static func releaseFreeMemory() {
        if isJemalloc {
            _ = mallctl("thread.tcache.flush", nil, nil, nil, 0)
            _ = mallctl("arena.\(MALLCTL_ARENAS_ALL).purge", nil, nil, nil, 0)
        } else if let trim = dlsym(nil, "malloc_trim") {
            // glibc's malloc_trim (malloc.h is not part of the Glibc module).
            _ = unsafeBitCast(trim, to: (@convention(c) (Int) -> Int32).self)(0)
        }
    }

    private static func describe() -> String {
        guard let version = jemallocVersion() else { return "the C library's malloc (jemalloc does not answer)" }
        guard jemallocServesMalloc() else { return "the C library's malloc (jemalloc \(version) is linked but does not serve malloc)" }
        return "jemalloc \(version)"
    }

    /// jemalloc's version ("5.3.0"), asked of jemalloc itself.
    private static func jemallocVersion() -> String? {
        var version: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &version, &size, nil, 0) == 0, let version else { return nil }
        // "5.3.0-0-g<commit>": the release is what matters.
        let full = String(cString: version)
        return String(full.prefix { $0 != "-" })
    }

    /// Whether the `malloc` the process binds to (the one every library's calls resolve to) is
    /// jemalloc's own.
    private static func jemallocServesMalloc() -> Bool {
        guard let jemalloc = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_NOLOAD) else { return false }
        defer { dlclose(jemalloc) }
        guard let own = dlsym(jemalloc, "malloc"), let bound = dlsym(nil, "malloc") else { return false }
        return own == bound
    }
}
