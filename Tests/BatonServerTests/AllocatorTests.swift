import BatonAllocator
import Testing

@Suite("Allocator: linking BatonAllocator makes jemalloc serve the process's malloc")
struct AllocatorTests {
    // This test binary links BatonAllocator as the executables do, so the same linking must
    // bind every `malloc` in it (the Swift runtime's, SQLite's, nghttp2's) to jemalloc.
    @Test("jemalloc 5 serves malloc in a binary that links BatonAllocator")
    func jemallocServesMalloc() {
        #expect(Allocator.isJemalloc, "\(Allocator.name)")
        #expect(Allocator.name.hasPrefix("jemalloc 5."))
    }
}
