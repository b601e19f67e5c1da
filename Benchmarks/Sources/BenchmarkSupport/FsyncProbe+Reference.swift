extension FsyncProbe {
    /// Measures the reference for `duration` in `directory`, saying so through `progress`, and
    /// prints it as a Markdown section.
    public static func reference(in directory: String, duration: Duration, progress: (String) -> Void) throws -> Result {
        progress("fsync reference: \(duration.seconds) s of 4 KiB pwrite+fsync in \(directory)")
        let result = try run(directory: directory, duration: duration)
        result.printTable()
        return result
    }
}

extension FsyncProbe.Result {
    /// Prints the result as a Markdown section.
    public func printTable() {
        print("## Physical reference: 4 KiB pwrite + fsync on the same filesystem")
        print("| fsyncs/s | p50 ms | p99 ms | samples |")
        print("|---:|---:|---:|---:|")
        print("| \(f0(perSecond)) | \(f3(latency.percentileMilliseconds(0.5))) | \(f3(latency.percentileMilliseconds(0.99))) | \(runs) |")
        print()
    }
}
