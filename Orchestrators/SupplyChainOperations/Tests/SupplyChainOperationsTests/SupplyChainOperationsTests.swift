import Testing

@Suite("SupplyChainOperations") struct SupplyChainOperationsPlaceholderTests {}
