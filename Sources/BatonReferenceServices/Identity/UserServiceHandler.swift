import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsRPC

/// `baton.atomic.identity.v1.UserService` on the reference services' truth.
struct UserServiceHandler: Baton_Atomic_Identity_V1_UserServiceHandler {
    let host: ReferenceServices

    func createUser(_ request: Baton_Atomic_Identity_V1_CreateUserRequest, context: ServerContext) async throws -> Baton_Atomic_Identity_V1_User {
        try await host.serve(context, IdentityOperationsError.self) {
            let user = NewUser(email: request.email, displayName: request.displayName)
            return Baton_Atomic_Identity_V1_User(try await host.identity.createUser(user, idempotencyKey: request.idempotencyKey))
        }
    }

    func deleteUser(_ request: Baton_Atomic_Identity_V1_DeleteUserRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_DeleteUserResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            try await host.identity.deleteUser(userID: request.userID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Identity_V1_DeleteUserResponse()
        }
    }

    func disableUser(_ request: Baton_Atomic_Identity_V1_DisableUserRequest, context: ServerContext) async throws -> Baton_Atomic_Identity_V1_User {
        try await host.serve(context, IdentityOperationsError.self) {
            Baton_Atomic_Identity_V1_User(try await host.identity.disableUser(userID: request.userID, idempotencyKey: request.idempotencyKey))
        }
    }

    func getUser(_ request: Baton_Atomic_Identity_V1_GetUserRequest, context: ServerContext) async throws -> Baton_Atomic_Identity_V1_User {
        try await host.serve(context, IdentityOperationsError.self) {
            Baton_Atomic_Identity_V1_User(try await host.identity.user(id: request.userID))
        }
    }
}
