import BatonProtobuf

/// What server reflection knows: the hosted services and the `.proto` files that describe
/// them, indexed by file name and by the symbols each file defines. Pure lookups, no I/O.
struct ReflectionIndex: Sendable {
    /// Fully qualified names of the services to list, sorted, without repeats.
    let services: [String]
    private let filesByName: [String: ProtoFileDescriptor]
    private let fileNameBySymbol: [String: String]

    /// - Parameters:
    ///   - files: the files to serve; a name seen twice keeps its first file.
    ///   - services: the services to list.
    init(files: [ProtoFileDescriptor], services: [String]) {
        var filesByName: [String: ProtoFileDescriptor] = [:]
        var fileNameBySymbol: [String: String] = [:]
        for file in files where filesByName[file.name] == nil {
            filesByName[file.name] = file
            for symbol in file.symbols where fileNameBySymbol[symbol] == nil {
                fileNameBySymbol[symbol] = file.name
            }
        }
        self.filesByName = filesByName
        self.fileNameBySymbol = fileNameBySymbol
        self.services = Array(Set(services)).sorted()
    }

    /// Whether some file defines `symbol` (a message, enum, service or `Service.Method`).
    func defines(_ symbol: String) -> Bool {
        fileNameBySymbol[symbol] != nil
    }

    /// The serialized file named `name` followed by its transitive dependencies (each once),
    /// or `nil` when no file has that name.
    func fileWithDependencies(named name: String) -> [[UInt8]]? {
        guard filesByName[name] != nil else { return nil }
        var visited: Set<String> = []
        var ordered: [ProtoFileDescriptor] = []
        var pending = [name]
        while let next = pending.popLast() {
            // A dependency outside the index cannot be sent; the client reports it by name.
            guard visited.insert(next).inserted, let file = filesByName[next] else { continue }
            ordered.append(file)
            pending.append(contentsOf: file.dependencies.reversed())
        }
        return ordered.map(\.serializedFileDescriptor)
    }

    /// The file that defines `symbol`, followed by its transitive dependencies, or `nil`.
    func fileWithDependencies(containing symbol: String) -> [[UInt8]]? {
        fileNameBySymbol[symbol].flatMap { fileWithDependencies(named: $0) }
    }
}
