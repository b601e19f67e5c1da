// An in-memory backend for the SupplyChainOperations contracts.
