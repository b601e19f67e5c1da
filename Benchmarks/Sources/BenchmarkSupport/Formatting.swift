import Foundation

/// Numbers for Markdown tables: a fixed number of decimals, "–" for NaN or infinity.
public func f0(_ x: Double) -> String { x.isFinite ? String(format: "%.0f", x) : "–" }
public func f1(_ x: Double) -> String { x.isFinite ? String(format: "%.1f", x) : "–" }
public func f2(_ x: Double) -> String { x.isFinite ? String(format: "%.2f", x) : "–" }
public func f3(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "–" }

/// "yes", or a bold "no" that stands out in a table.
public func met(_ ok: Bool) -> String { ok ? "yes" : "**no**" }
