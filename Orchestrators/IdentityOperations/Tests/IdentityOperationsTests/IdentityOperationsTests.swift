import Testing

@Suite("IdentityOperations") struct IdentityOperationsPlaceholderTests {}
