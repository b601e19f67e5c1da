import BatonAtomicAPI
import BatonReferenceServicesTesting
import IdentityOperations
import IdentityOperationsContractSuite
import IdentityOperationsRPC
import Synchronization

/// The RPC adapter as a contract-suite backend: its seeding and inspection hooks call the
/// atomic services' own seed and read RPCs over the same sockets.
struct RPCIdentityBackend: IdentityOperationsTestBackend {
    let adapter: IdentityOperationsAdapters.RPC

    var services: IdentityOperationsServices { adapter.services }

    func createTenant(_ tenantID: String) async throws {
        var request = Baton_Atomic_Tenant_V1_CreateTenantRequest()
        request.tenantID = tenantID
        request.idempotencyKey = "seed-\(tenantID)"
        _ = try await adapter.tenantClient.createTenant(request)
    }

    func auditActions(subjectID: String) async throws -> [String] {
        var request = Baton_Atomic_Audit_V1_ListEntriesRequest()
        request.subjectID = subjectID
        return try await adapter.auditClient.listEntries(request).entries.map(\.action)
    }

    func notificationCount(userID: String) async throws -> Int {
        var request = Baton_Atomic_Notifier_V1_CountUserNotificationsRequest()
        request.userID = userID
        return Int(try await adapter.notifierClient.countUserNotifications(request).count)
    }

    func code(forChallenge challengeID: String) async throws -> String {
        var request = Baton_Atomic_Identity_V1_GetChallengeCodeRequest()
        request.challengeID = challengeID
        return try await adapter.mfaClient.getChallengeCode(request).code
    }
}

/// A fresh reference-service process (in-process, on its own port) and adapter per backend;
/// ``shutdown()`` stops everything it started.
final class RPCIdentityFactory: IdentityOperationsBackendFactory {
    private let started = Mutex<[(RunningReferenceServices, IdentityOperationsAdapters.RPC)]>([])

    func makeBackend() async throws -> any IdentityOperationsTestBackend {
        let services = try await RunningReferenceServices.started()
        let adapter = services.identityAdapter()
        started.withLock { $0.append((services, adapter)) }
        return RPCIdentityBackend(adapter: adapter)
    }

    func shutdown() async {
        for (services, adapter) in started.withLock({ $0 }) {
            await adapter.close()
            await services.stop()
        }
    }
}

extension RunningReferenceServices {
    /// An IdentityOperations RPC adapter over these services (no health checks running; calls
    /// time out after 2 s).
    func identityAdapter() -> IdentityOperationsAdapters.RPC {
        IdentityOperationsAdapters.rpc(endpoints: [endpoint], configuration: .defaults { $0.timeout = .seconds(2) })
    }
}
