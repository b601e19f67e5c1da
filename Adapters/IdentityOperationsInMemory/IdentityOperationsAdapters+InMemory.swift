import BatonInMemorySupport
import IdentityOperations

extension IdentityOperationsAdapters {
    /// Users, tenants, audit trail, notifications, sessions and MFA in memory, behaving like the
    /// real services: emails are unique, unknown ids are not found, idempotency keys are honoured
    /// (undos included), and faults and latency can be injected per operation.
    public final class InMemory: Sendable {
        public struct Configuration: Sendable {
            /// Waits out injected latency; tests pass one that sleeps on a manual clock.
            public var sleep: @Sendable (Duration) async throws -> Void

            public static let defaults = Configuration(sleep: { try await Task.sleep(for: $0) })

            public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
                var configuration = Configuration.defaults
                configure(&configuration)
                return configuration
            }
        }

        /// The operations faults and latency can be injected into, and whose calls are counted.
        public struct Operation: Sendable, Hashable, CustomStringConvertible {
            public let name: String
            public init(_ name: String) { self.name = name }

            public static let createUser = Operation("users.create")
            public static let deleteUser = Operation("users.delete")
            public static let disableUser = Operation("users.disable")
            public static let readUser = Operation("users.read")
            public static let addMember = Operation("memberships.add")
            public static let removeMember = Operation("memberships.remove")
            public static let readMemberships = Operation("memberships.read")
            public static let audit = Operation("audit.record")
            public static let notify = Operation("notifications.send")
            public static let createSession = Operation("sessions.create")
            public static let revokeSession = Operation("sessions.revoke")
            public static let revokeAllSessions = Operation("sessions.revokeAll")
            public static let readSessions = Operation("sessions.read")
            public static let issueChallenge = Operation("mfa.issue")
            public static let activateMfa = Operation("mfa.activate")
            public static let cancelChallenge = Operation("mfa.cancel")
            public static let readMfa = Operation("mfa.read")

            public var description: String { name }
        }

        let configuration: Configuration
        let store: InMemoryStore<State, Operation, IdentityOperationsError>

        init(configuration: Configuration) {
            self.configuration = configuration
            self.store = InMemoryStore(State(), sleep: configuration.sleep) { IdentityOperationsError(.invalidArgument, $0) }
        }

        /// This backend as the bundle of contracts the orchestrator is built from.
        public var services: IdentityOperationsServices {
            IdentityOperationsServices(users: self, memberships: self, audit: self, notifications: self, sessions: self, mfa: self)
        }

        // MARK: Seeding

        /// Creates a tenant users can be made members of.
        public func createTenant(_ tenantID: String) {
            _ = store.withLock { $0.tenants.insert(tenantID) }
        }

        // MARK: Fault injection

        /// Fails the next `count` calls of `operation` with `code`. With `afterEffect`, the call
        /// takes effect first and only its answer is lost (as when a reply times out).
        public func failNext(_ count: Int, of operation: Operation, with code: IdentityOperationsError.Code, afterEffect: Bool = false) {
            store.failNext(operation, times: count, with: IdentityOperationsError(code, "injected failure of \(operation)"), afterEffect: afterEffect)
        }

        /// Delays the next `calls` calls of `operation` by `duration` before they take effect.
        public func addLatency(_ duration: Duration, to operation: Operation, calls: Int = .max) {
            store.setLatency(duration, for: operation, calls: calls)
        }

        // MARK: Inspection

        /// The audit trail, oldest first.
        public var auditTrail: [AuditEntry] {
            store.withLock { $0.audit }
        }

        /// Messages sent, oldest first.
        public var sentNotifications: [NotificationMessage] {
            store.withLock { $0.notifications }
        }

        /// The code the user received for a challenge (nil for an unknown challenge).
        public func code(forChallenge challengeID: String) -> String? {
            store.withLock { $0.challenges[challengeID]?.value.code }
        }

        /// The state of a challenge: `pending`, `active` or `cancelled` (nil when unknown).
        public func challengeState(_ challengeID: String) -> String? {
            store.withLock { s in
                s.challenges[challengeID].map { $0.undone ? "cancelled" : ($0.value.activated ? "active" : "pending") }
            }
        }

        /// Whether a user exists (deleted users do not).
        public func userExists(_ userID: String) -> Bool {
            store.withLock { $0.users[userID].map { !$0.undone } ?? false }
        }

        /// Calls received by `operation`, failed and repeated ones included.
        public func calls(of operation: Operation) -> Int {
            store.calls(of: operation)
        }

        /// Effects `operation` had: repeated calls under a known idempotency key do not count.
        public func effects(of operation: Operation) -> Int {
            store.effects(of: operation)
        }
    }
}
