import BatonRPC
import BatonWorkflowPostgres
import Foundation
import Logging

/// What `baton serve` runs with, resolved from flags, environment variables and an optional
/// JSON file, in that precedence (a flag beats `BATON_*`, which beats the file, which beats
/// the default).
///
/// | setting | flag | environment | file key | default |
/// | --- | --- | --- | --- | --- |
/// | host | `--host` | `BATON_HOST` | `host` | `127.0.0.1` |
/// | RPC port | `--port` | `BATON_PORT` | `port` | 7070 |
/// | HTTP port | `--http-port` | `BATON_HTTP_PORT` | `http_port` | 7071 (-1: none) |
/// | store | `--store` | `BATON_STORE` | `store` | `sqlite:baton.sqlite` |
/// | owner | `--owner` | `BATON_OWNER` | `owner` | `baton`; on PostgreSQL `HOSTNAME-PID` |
/// | lease | `--lease-seconds` | `BATON_LEASE_SECONDS` | `lease_seconds` | none; on PostgreSQL 30 |
/// | adapters | `--adapters` | `BATON_ADAPTERS` | `adapters` | `inmemory` |
/// | services | `--services` | `BATON_SERVICES` | `services` | (none) |
/// | log level | `--log-level` | `BATON_LOG_LEVEL` | `log_level` | `info` |
public struct ServerSettings: Sendable, Hashable {
    public enum Store: Sendable, Hashable {
        case sqlite(path: String)
        case memory
        /// Shared by several replicas (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`).
        case postgres(PostgresWorkflowStore.Configuration)
    }

    public enum Adapters: String, Sendable, Hashable, CaseIterable {
        case inMemory = "inmemory"
        case rpc
    }

    public var host = "127.0.0.1"
    public var port = 7070
    /// -1 serves no HTTP port.
    public var httpPort = 7071
    public var store = Store.sqlite(path: "baton.sqlite")
    /// The lease owner this replica writes as; replicas on one PostgreSQL store need distinct names.
    public var owner = "baton"
    /// How long a replica's claim on a workflow lasts without renewal (nil: until released,
    /// for a store only one process uses). Another replica takes a workflow over when it lapses.
    public var leaseDuration: Duration?
    public var adapters = Adapters.inMemory
    /// The atomic services' endpoints (`HOST:PORT`), for `adapters == .rpc`.
    public var services: [LoadBalancedRPCClient.Endpoint] = []
    /// The least severe level logged (to standard error). At `info` a workflow's end, compensation
    /// or pause is logged; at `debug` every step's start and completion as well.
    public var logLevel = Logger.Level.info

    public init() {}

    /// A setting that was not given where it was looked for is nil.
    public typealias Source = [String: String]

    /// Resolves every setting from `flags` (keys as in the file), then `environment`, then the
    /// JSON object in `file`, then the default.
    ///
    /// - Throws: ``SettingsError`` naming the setting and where it came from when a value is invalid.
    public static func resolve(flags: Source, environment: [String: String], file: Data?) throws -> ServerSettings {
        var fileValues: Source = [:]
        if let file {
            guard let object = try? JSONSerialization.jsonObject(with: file) as? [String: Any] else {
                throw SettingsError("the configuration file is not a JSON object")
            }
            for (key, value) in object {
                guard settingKeys.contains(key) else {
                    throw SettingsError("the configuration file has an unknown key '\(key)' (known: \(settingKeys.sorted().joined(separator: ", ")))")
                }
                switch value {
                case let text as String: fileValues[key] = text
                case let number as NSNumber: fileValues[key] = number.stringValue
                case let list as [String]: fileValues[key] = list.joined(separator: ",")
                default: throw SettingsError("the configuration file's '\(key)' must be a string or a number")
                }
            }
        }
        func lookup(_ key: String) -> (value: String, origin: String)? {
            if let value = flags[key] { return (value, "--\(key.replacingOccurrences(of: "_", with: "-"))") }
            let variable = "BATON_" + key.uppercased()
            if let value = environment[variable] { return (value, variable) }
            if let value = fileValues[key] { return (value, "the configuration file's '\(key)'") }
            return nil
        }
        func port(_ key: String, allowNone: Bool) throws -> Int? {
            guard let (value, origin) = lookup(key) else { return nil }
            guard let port = Int(value), (allowNone ? -1 : 0)...65535 ~= port else {
                throw SettingsError("\(origin) must be a port number (0 picks a free port\(allowNone ? ", -1 serves none" : "")), not '\(value)'")
            }
            return port
        }

        var settings = ServerSettings()
        if let (value, _) = lookup("host") { settings.host = value }
        if let port = try port("port", allowNone: false) { settings.port = port }
        if let port = try port("http_port", allowNone: true) { settings.httpPort = port }
        if let (value, origin) = lookup("store") {
            if value == "memory" {
                settings.store = .memory
            } else if value.hasPrefix("sqlite:"), value.count > "sqlite:".count {
                settings.store = .sqlite(path: String(value.dropFirst("sqlite:".count)))
            } else if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
                do {
                    settings.store = .postgres(try PostgresWorkflowStore.Configuration(url: value))
                } catch {
                    throw SettingsError("\(origin): \(error.message)")
                }
            } else {
                throw SettingsError("\(origin) must be sqlite:PATH, memory or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, not '\(value)'")
            }
        }
        if case .postgres = settings.store {
            // Several replicas share the store: each needs its own name, and leases that lapse.
            settings.owner = replicaName()
            settings.leaseDuration = .seconds(30)
        }
        if let (value, _) = lookup("owner") { settings.owner = value }
        if let (value, origin) = lookup("lease_seconds") {
            guard let seconds = Double(value), seconds.isFinite, seconds > 0 else {
                throw SettingsError("\(origin) must be a positive number of seconds, not '\(value)'")
            }
            settings.leaseDuration = .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        if let (value, origin) = lookup("adapters") {
            guard let adapters = Adapters(rawValue: value) else {
                throw SettingsError("\(origin) must be one of \(Adapters.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value)'")
            }
            settings.adapters = adapters
        }
        if let (value, origin) = lookup("services") {
            let texts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            settings.services = try texts.map { text in
                guard let endpoint = LoadBalancedRPCClient.Endpoint(text) else {
                    throw SettingsError("\(origin) must list HOST:PORT endpoints, not '\(text)'")
                }
                return endpoint
            }
        }
        if let (value, origin) = lookup("log_level") {
            guard let level = Logger.Level(name: value) else {
                throw SettingsError("\(origin) must be one of \(Logger.Level.names), not '\(value)'")
            }
            settings.logLevel = level
        }
        if settings.adapters == .rpc, settings.services.isEmpty {
            throw SettingsError("--adapters rpc needs --services HOST:PORT[,HOST:PORT…] (or BATON_SERVICES)")
        }
        return settings
    }

    static let settingKeys: Set<String> = ["host", "port", "http_port", "store", "owner", "lease_seconds", "adapters", "services", "log_level"]

    /// `HOSTNAME-PID`: distinct for every replica, on one machine or several.
    public static func replicaName() -> String {
        let process = ProcessInfo.processInfo
        return "\(process.hostName)-\(process.processIdentifier)"
    }
}

/// A configuration value that cannot be used, with where it came from.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension Logger.Level {
    /// The level of this name, in any case (`debug`, `WARNING`).
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The names ``init(name:)`` accepts, least severe first, for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
