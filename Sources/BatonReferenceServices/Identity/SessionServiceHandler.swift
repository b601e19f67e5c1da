import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsRPC

/// `baton.atomic.session.v1.SessionService` on the reference services' truth.
struct SessionServiceHandler: Baton_Atomic_Session_V1_SessionServiceHandler {
    let host: ReferenceServices

    func createSession(_ request: Baton_Atomic_Session_V1_CreateSessionRequest, context: ServerContext) async throws
        -> Baton_Atomic_Session_V1_Session
    {
        try await host.serve(context, IdentityOperationsError.self) {
            let session = try await host.identity.createSession(userID: request.userID, tenantID: request.tenantID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Session_V1_Session(session)
        }
    }

    func revokeSession(_ request: Baton_Atomic_Session_V1_RevokeSessionRequest, context: ServerContext) async throws
        -> Baton_Atomic_Session_V1_RevokeSessionResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            try await host.identity.revokeSession(sessionID: request.sessionID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Session_V1_RevokeSessionResponse()
        }
    }

    func revokeAllSessions(_ request: Baton_Atomic_Session_V1_RevokeAllSessionsRequest, context: ServerContext) async throws
        -> Baton_Atomic_Session_V1_RevokeAllSessionsResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var response = Baton_Atomic_Session_V1_RevokeAllSessionsResponse()
            response.revoked = Int64(try await host.identity.revokeAllSessions(userID: request.userID, idempotencyKey: request.idempotencyKey))
            return response
        }
    }

    func listActiveSessions(_ request: Baton_Atomic_Session_V1_ListActiveSessionsRequest, context: ServerContext) async throws
        -> Baton_Atomic_Session_V1_ListActiveSessionsResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var response = Baton_Atomic_Session_V1_ListActiveSessionsResponse()
            response.sessions = try await host.identity.activeSessions(userID: request.userID).map(Baton_Atomic_Session_V1_Session.init)
            return response
        }
    }
}
