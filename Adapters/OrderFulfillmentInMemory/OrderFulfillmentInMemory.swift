// An in-memory backend for the OrderFulfillment contracts.
