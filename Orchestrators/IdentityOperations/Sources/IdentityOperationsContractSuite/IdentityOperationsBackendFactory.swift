import IdentityOperations

/// One fresh set of IdentityOperations services, with the seeding and inspection hooks the
/// contract checks need. An RPC adapter's backend implements the hooks against the remote
/// services' own admin or read APIs.
public protocol IdentityOperationsTestBackend: Sendable {
    /// The contract implementations under test.
    var services: IdentityOperationsServices { get }
    /// Creates a tenant users can be made members of.
    func createTenant(_ tenantID: String) async throws
    /// The audit actions recorded about `subjectID`, oldest first.
    func auditActions(subjectID: String) async throws -> [String]
    /// Messages sent to `userID`.
    func notificationCount(userID: String) async throws -> Int
    /// The code the user received for a challenge (what they would type in).
    func code(forChallenge challengeID: String) async throws -> String
}

/// Makes a fresh, empty backend for each contract check.
public protocol IdentityOperationsBackendFactory: Sendable {
    func makeBackend() async throws -> any IdentityOperationsTestBackend
}
