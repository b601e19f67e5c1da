// The OrderFulfillment contract suite: checks every OrderFulfillment adapter must pass.
