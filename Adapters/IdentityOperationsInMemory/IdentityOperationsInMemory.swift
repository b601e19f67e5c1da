// An in-memory backend for the IdentityOperations contracts.
