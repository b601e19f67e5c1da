// The IdentityOperations orchestrator: see Orchestrators/IdentityOperations/README.md.
