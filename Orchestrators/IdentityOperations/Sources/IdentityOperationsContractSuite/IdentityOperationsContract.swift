// The IdentityOperations contract suite: checks every IdentityOperations adapter must pass.
