import BatonServer
import Logging

/// The composition root's list of hosted orchestrators.
enum Orchestrators {
    static func all(settings: ServerSettings, logger: Logger) throws -> [HostedOrchestrator] {
        []
    }
}
