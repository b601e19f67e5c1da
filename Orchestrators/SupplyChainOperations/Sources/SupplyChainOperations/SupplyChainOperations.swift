// The SupplyChainOperations orchestrator: see Orchestrators/SupplyChainOperations/README.md.
