import BatonWorkflow

/// EnableMfa: issue a challenge → wait for the user's verification (the signal
/// ``verificationSignal`` carrying an ``MfaVerification``) → activate. Without a verification
/// before the timeout, or with a wrong code, the challenge is cancelled.
public enum EnableMfa {
    /// The workflow type name registered on the engine.
    public static let type = "EnableMfa"
    /// The signal that carries the user's code (payload: ``MfaVerification``).
    public static let verificationSignal = "MfaVerification"
    /// How long the user has to answer the challenge.
    public static let verificationTimeout: Duration = .seconds(10 * 60)

    /// Step names, as they appear in snapshots, histories and compensation lists.
    public enum Step {
        public static let issueChallenge = "issue-challenge"
        public static let awaitVerification = "await-verification"
        public static let activate = "activate"
    }

    /// The workflow id used for an enrolment unless the caller chooses one.
    public static func workflowID(userID: String) -> String { "\(type)-\(userID)" }

    static func definition(_ services: IdentityOperationsServices) -> WorkflowDefinition {
        let mfa = services.mfa
        let request = EnableMfaRequest.self
        return WorkflowDefinition(type, version: 1) {
            StepDefinition.call(Step.issueChallenge, action: typedStep(request) { context, request in
                try await mfa.issueChallenge(userID: request.userID, idempotencyKey: context.idempotencyKey)
            }, compensate: typedStep(request) { context, _ in
                let challenge = try context.output(of: Step.issueChallenge, as: MfaChallenge.self)
                try await mfa.cancelChallenge(challengeID: challenge.challengeID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.waitForSignal(Step.awaitVerification, signal: verificationSignal, timeout: verificationTimeout)

            StepDefinition.call(Step.activate, action: typedStep(request) { context, _ in
                let challenge = try context.output(of: Step.issueChallenge, as: MfaChallenge.self)
                let verification = try context.output(of: Step.awaitVerification, as: MfaVerification.self)
                try await mfa.activate(challengeID: challenge.challengeID, code: verification.code, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))
        }
        .input(EnableMfaRequest.self)
    }
}
