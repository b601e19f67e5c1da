import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsRPC

/// `baton.atomic.identity.v1.MfaService` on the reference services' truth.
struct MfaServiceHandler: Baton_Atomic_Identity_V1_MfaServiceHandler {
    let host: ReferenceServices

    func issueChallenge(_ request: Baton_Atomic_Identity_V1_IssueChallengeRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_Challenge
    {
        try await host.serve(context, IdentityOperationsError.self) {
            Baton_Atomic_Identity_V1_Challenge(try await host.identity.issueChallenge(userID: request.userID, idempotencyKey: request.idempotencyKey))
        }
    }

    func activateChallenge(_ request: Baton_Atomic_Identity_V1_ActivateChallengeRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_ActivateChallengeResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            try await host.identity.activate(challengeID: request.challengeID, code: request.code, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Identity_V1_ActivateChallengeResponse()
        }
    }

    func cancelChallenge(_ request: Baton_Atomic_Identity_V1_CancelChallengeRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_CancelChallengeResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            try await host.identity.cancelChallenge(challengeID: request.challengeID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Identity_V1_CancelChallengeResponse()
        }
    }

    func getEnrollment(_ request: Baton_Atomic_Identity_V1_GetEnrollmentRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_Enrollment
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var enrollment = Baton_Atomic_Identity_V1_Enrollment()
            enrollment.enrolled = try await host.identity.isEnrolled(userID: request.userID)
            return enrollment
        }
    }

    func verifyCode(_ request: Baton_Atomic_Identity_V1_VerifyCodeRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_VerifyCodeResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var response = Baton_Atomic_Identity_V1_VerifyCodeResponse()
            response.valid = try await host.identity.verify(userID: request.userID, code: request.code)
            return response
        }
    }

    func getChallengeCode(_ request: Baton_Atomic_Identity_V1_GetChallengeCodeRequest, context: ServerContext) async throws
        -> Baton_Atomic_Identity_V1_ChallengeCode
    {
        try await host.serve(context, IdentityOperationsError.self) {
            guard let code = host.identity.code(forChallenge: request.challengeID) else {
                throw IdentityOperationsError(.notFound, "no challenge '\(request.challengeID)'")
            }
            var response = Baton_Atomic_Identity_V1_ChallengeCode()
            response.code = code
            return response
        }
    }
}
