import IdentityOperations

extension IdentityOperationsAdapters {
    /// An in-memory backend implementing every IdentityOperations contract, for tests and demos.
    public static func inMemory(_ configuration: InMemory.Configuration = .defaults) -> InMemory {
        InMemory(configuration: configuration)
    }
}
