import BatonServer
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

    @Test("rpc adapters take their endpoints from a list")
    func rpcAdapters() throws {
        let settings = try ServerSettings.resolve(
            flags: ["adapters": "rpc"], environment: ["BATON_SERVICES": "127.0.0.1:7000, 127.0.0.1:7001"], file: nil
        )
        #expect(settings.adapters == .rpc)
        #expect(settings.services == [.init(host: "127.0.0.1", port: 7000), .init(host: "127.0.0.1", port: 7001)])
    }

    @Test("an invalid value is refused, naming the setting and where it came from", arguments: [
        (["port": "http"], [String: String](), nil as String?, "--port must be a port number"),
        ([:], ["BATON_HTTP_PORT": "-2"], nil, "BATON_HTTP_PORT must be a port number"),
        ([:], [:], #"{"store": "postgres:x"}"#, "the configuration file's 'store' must be sqlite:PATH or memory"),
        (["adapters": "carrier-pigeon"], [:], nil, "--adapters must be one of inmemory, rpc"),
        (["adapters": "rpc"], [:], nil, "--adapters rpc needs --services"),
        (["services": "nohost"], [:], nil, "--services must list HOST:PORT endpoints"),
        ([:], [:], #"{"prot": 1}"#, "unknown key 'prot'"),
        ([:], [:], "[1, 2]", "not a JSON object"),
    ])
    func invalid(flags: [String: String], environment: [String: String], file: String?, message: String) throws {
        let error = #expect(throws: SettingsError.self) {
            try ServerSettings.resolve(flags: flags, environment: environment, file: file.map { Data($0.utf8) })
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}
