import BatonServer
import BatonWorkflowPostgres
import Foundation
import Testing

@Suite("ServerSettings: flags, then environment, then file, then defaults")
struct ServerSettingsTests {
    @Test("nothing given: defaults that need nothing else")
    func defaults() throws {
        let settings = try ServerSettings.resolve(flags: [:], environment: [:], file: nil)
        #expect(settings == ServerSettings())
        #expect(settings.store == .sqlite(path: "baton.sqlite"))
        #expect(settings.adapters == .inMemory)
    }

    @Test("a flag beats the environment, which beats the file")
    func precedence() throws {
        let file = Data(#"{"port": 9000, "http_port": 9001, "store": "memory", "owner": "from-file", "host": "0.0.0.0"}"#.utf8)
        let settings = try ServerSettings.resolve(
            flags: ["port": "8000"],
            environment: ["BATON_PORT": "8500", "BATON_HTTP_PORT": "8501", "BATON_OWNER": "from-env", "PATH": "/bin"],
            file: file
        )
        #expect(settings.port == 8000)
        #expect(settings.httpPort == 8501)
        #expect(settings.owner == "from-env")
        #expect(settings.store == .memory)
        #expect(settings.host == "0.0.0.0")
    }

    @Test("a PostgreSQL store: its URL parsed once, a per-replica owner and 30 s leases unless given")
    func postgres() throws {
        let settings = try ServerSettings.resolve(
            flags: [:], environment: ["BATON_STORE": "postgres://baton:p%40ss@db.example:6543/orders?schema=replicas&pool_size=4"], file: nil
        )
        var expected = PostgresWorkflowStore.Configuration(host: "db.example", port: 6543, username: "baton", password: "p@ss", database: "orders")
        expected.schema = "replicas"
        expected.poolSize = 4
        #expect(settings.store == .postgres(expected))
        #expect(settings.owner == ServerSettings.replicaName())
        #expect(settings.owner == "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)")
        #expect(settings.leaseDuration == .seconds(30))

        let given = try ServerSettings.resolve(
            flags: ["owner": "replica-2", "lease_seconds": "1.5"], environment: [:],
            file: Data(#"{"store": "postgresql://baton@127.0.0.1/baton"}"#.utf8)
        )
        #expect(given.store == .postgres(PostgresWorkflowStore.Configuration(host: "127.0.0.1", username: "baton", password: nil, database: "baton")))
        #expect(given.owner == "replica-2")
        #expect(given.leaseDuration == .milliseconds(1500))

        let sqlite = try ServerSettings.resolve(flags: [:], environment: [:], file: nil)
        #expect(sqlite.owner == "baton" && sqlite.leaseDuration == nil)
        #expect(try ServerSettings.resolve(flags: ["lease_seconds": "2"], environment: [:], file: nil).leaseDuration == .seconds(2))
    }

    @Test("rpc adapters take their endpoints from a list")
    func rpcAdapters() throws {
        let settings = try ServerSettings.resolve(
            flags: ["adapters": "rpc"], environment: ["BATON_SERVICES": "127.0.0.1:7000, 127.0.0.1:7001"], file: nil
        )
        #expect(settings.adapters == .rpc)
        #expect(settings.services == [.init(host: "127.0.0.1", port: 7000), .init(host: "127.0.0.1", port: 7001)])
    }

    @Test("the log level: info unless given, any of swift-log's levels in any case")
    func logLevel() throws {
        #expect(try ServerSettings.resolve(flags: [:], environment: [:], file: nil).logLevel == .info)
        #expect(try ServerSettings.resolve(flags: ["log_level": "debug"], environment: ["BATON_LOG_LEVEL": "error"], file: nil).logLevel == .debug)
        #expect(try ServerSettings.resolve(flags: [:], environment: ["BATON_LOG_LEVEL": "WARNING"], file: nil).logLevel == .warning)
        #expect(try ServerSettings.resolve(flags: [:], environment: [:], file: Data(#"{"log_level": "trace"}"#.utf8)).logLevel == .trace)
    }

    @Test("an invalid value is refused, naming the setting and where it came from", arguments: [
        (["port": "http"], [String: String](), nil as String?, "--port must be a port number"),
        ([:], ["BATON_HTTP_PORT": "-2"], nil, "BATON_HTTP_PORT must be a port number"),
        ([:], [:], #"{"store": "postgres:x"}"#, "the configuration file's 'store' must be sqlite:PATH, memory or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"),
        (["adapters": "carrier-pigeon"], [:], nil, "--adapters must be one of inmemory, rpc"),
        (["adapters": "rpc"], [:], nil, "--adapters rpc needs --services"),
        (["services": "nohost"], [:], nil, "--services must list HOST:PORT endpoints"),
        ([:], [:], #"{"prot": 1}"#, "unknown key 'prot'"),
        ([:], [:], "[1, 2]", "not a JSON object"),
        (["store": "postgres://baton@db/baton?pool=3"], [:], nil, "--store: 'postgres://baton@db/baton?pool=3' is not a PostgreSQL URL: unknown parameter 'pool'"),
        ([:], ["BATON_STORE": "postgresql://baton:secret@db:5432"], nil, "BATON_STORE: 'postgresql://baton:***@db:5432' is not a PostgreSQL URL: no database"),
        (["lease_seconds": "0"], [:], nil, "--lease-seconds must be a positive number of seconds, not '0'"),
        ([:], [:], #"{"lease_seconds": "soon"}"#, "the configuration file's 'lease_seconds' must be a positive number of seconds"),
        ([:], ["BATON_LOG_LEVEL": "verbose"], nil, "BATON_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not 'verbose'"),
    ])
    func invalid(flags: [String: String], environment: [String: String], file: String?, message: String) throws {
        let error = #expect(throws: SettingsError.self) {
            try ServerSettings.resolve(flags: flags, environment: environment, file: file.map { Data($0.utf8) })
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}
