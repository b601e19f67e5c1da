import Testing

@Suite("OrderFulfillment") struct OrderFulfillmentPlaceholderTests {}
