import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport
import IdentityOperations

extension IdentityOperationsAdapters {
    /// IdentityOperations' contracts on the atomic services (users and MFA, tenants, audit,
    /// sessions, the user notifier) over gRPC, through their generated clients.
    ///
    /// Each service is called through a ``LoadBalancedRPCClient`` over its endpoints
    /// (round-robin, a circuit breaker per endpoint, health checks for the service's name).
    /// Every call carries the step's idempotency key, a deadline (`grpc-timeout`,
    /// ``Configuration/timeout``) and the user it concerns as `x-correlation-id` (the email
    /// for a user not created yet). Statuses come back as ``IdentityOperationsError``:
    /// UNAVAILABLE and DEADLINE_EXCEEDED stay retryable; refusals (FAILED_PRECONDITION with a
    /// `baton-error-reason`, NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT) do not.
    ///
    /// Run ``backgroundServices`` (the balancers' health checks) in the composition root's
    /// `ServiceGroup`; without them every endpoint counts as healthy and only the breakers act.
    public final class RPC: AtomicRPCAdapter {
        public typealias Configuration = AtomicServiceChannels.Configuration
        public typealias Failure = IdentityOperationsError

        /// Where each atomic service runs.
        public struct Endpoints: Sendable, Hashable {
            /// Users and MFA (`baton.atomic.identity.v1`).
            public var identity: [LoadBalancedRPCClient.Endpoint]
            public var tenant: [LoadBalancedRPCClient.Endpoint]
            public var audit: [LoadBalancedRPCClient.Endpoint]
            public var session: [LoadBalancedRPCClient.Endpoint]
            public var notifier: [LoadBalancedRPCClient.Endpoint]

            public init(
                identity: [LoadBalancedRPCClient.Endpoint],
                tenant: [LoadBalancedRPCClient.Endpoint],
                audit: [LoadBalancedRPCClient.Endpoint],
                session: [LoadBalancedRPCClient.Endpoint],
                notifier: [LoadBalancedRPCClient.Endpoint]
            ) {
                self.identity = identity
                self.tenant = tenant
                self.audit = audit
                self.session = session
                self.notifier = notifier
            }

            /// Every service on the same endpoints (processes like `baton services` host them all).
            public static func all(_ endpoints: [LoadBalancedRPCClient.Endpoint]) -> Endpoints {
                Endpoints(identity: endpoints, tenant: endpoints, audit: endpoints, session: endpoints, notifier: endpoints)
            }
        }

        /// The balancers, call options and error reading every call goes through.
        public let channels: AtomicServiceChannels
        public let userClient: Baton_Atomic_Identity_V1_UserServiceClient
        public let mfaClient: Baton_Atomic_Identity_V1_MfaServiceClient
        public let tenantClient: Baton_Atomic_Tenant_V1_TenantServiceClient
        public let auditClient: Baton_Atomic_Audit_V1_AuditServiceClient
        public let sessionClient: Baton_Atomic_Session_V1_SessionServiceClient
        public let notifierClient: Baton_Atomic_Notifier_V1_UserNotifierServiceClient
        /// The user of each session and challenge this adapter created, so undo calls carry
        /// the user id as their correlation id too.
        let users = CorrelationIDs()

        init(endpoints: Endpoints, configuration: Configuration) {
            let user = Baton_Atomic_Identity_V1_UserService.name
            let mfa = Baton_Atomic_Identity_V1_MfaService.name
            let tenant = Baton_Atomic_Tenant_V1_TenantService.name
            let audit = Baton_Atomic_Audit_V1_AuditService.name
            let session = Baton_Atomic_Session_V1_SessionService.name
            let notifier = Baton_Atomic_Notifier_V1_UserNotifierService.name
            channels = AtomicServiceChannels(
                [
                    (user, endpoints.identity), (mfa, endpoints.identity), (tenant, endpoints.tenant), (audit, endpoints.audit),
                    (session, endpoints.session), (notifier, endpoints.notifier),
                ],
                configuration: configuration
            )
            userClient = .init(channels.balancer(user))
            mfaClient = .init(channels.balancer(mfa))
            tenantClient = .init(channels.balancer(tenant))
            auditClient = .init(channels.balancer(audit))
            sessionClient = .init(channels.balancer(session))
            notifierClient = .init(channels.balancer(notifier))
        }

        /// This adapter as the bundle of contracts the orchestrator is built from.
        public var services: IdentityOperationsServices {
            IdentityOperationsServices(users: self, memberships: self, audit: self, notifications: self, sessions: self, mfa: self)
        }
    }

    /// IdentityOperations' contracts on atomic services that all run on `endpoints` (e.g. one
    /// or several `baton services` processes).
    public static func rpc(endpoints: [LoadBalancedRPCClient.Endpoint], configuration: RPC.Configuration = .defaults) -> RPC {
        RPC(endpoints: .all(endpoints), configuration: configuration)
    }

    /// IdentityOperations' contracts on atomic services, each on its own endpoints.
    public static func rpc(_ endpoints: RPC.Endpoints, configuration: RPC.Configuration = .defaults) -> RPC {
        RPC(endpoints: endpoints, configuration: configuration)
    }
}
