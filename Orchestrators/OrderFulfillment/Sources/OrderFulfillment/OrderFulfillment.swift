// The OrderFulfillment orchestrator: see Orchestrators/OrderFulfillment/README.md.
