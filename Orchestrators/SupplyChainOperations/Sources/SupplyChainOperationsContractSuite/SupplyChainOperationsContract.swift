// The SupplyChainOperations contract suite: checks every SupplyChainOperations adapter must pass.
