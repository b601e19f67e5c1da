import BatonAPI
import BatonRPC
import BatonWorkflow

/// An orchestrator API's answer to a workflow start: the workflow's id and its status.
protocol WorkflowStartResponse {
    init()
    var workflowID: String { get set }
    var status: Baton_Coordination_V1_WorkflowStatus { get set }
}

extension Baton_OrderFulfillment_V1_PlaceOrderResponse: WorkflowStartResponse {}
extension Baton_IdentityOperations_V1_WorkflowStarted: WorkflowStartResponse {}
extension Baton_SupplyChainOperations_V1_WorkflowStarted: WorkflowStartResponse {}

/// Runs an orchestrator's typed starter (errors through ``mappingErrors(_:)``) and answers the
/// started workflow's id and status.
func workflowStarted<Response: WorkflowStartResponse>(_ start: () async throws -> WorkflowSnapshot) async throws -> Response {
    try await mappingErrors {
        let snapshot = try await start()
        var response = Response()
        response.workflowID = snapshot.id
        response.status = APIConversions.status(snapshot.status)
        return response
    }
}

/// Refuses an empty required request field.
///
/// - Throws: `INVALID_ARGUMENT` "`field` is required".
func requireField(_ value: String, _ field: String) throws(RPCError) {
    guard !value.isEmpty else { throw RPCError(code: .invalidArgument, message: "\(field) is required") }
}

/// Refuses a request that breaks a rule; `message` names the field.
///
/// - Throws: `INVALID_ARGUMENT` with `message`.
func requireValid(_ condition: Bool, _ message: @autoclosure () -> String) throws(RPCError) {
    guard condition else { throw RPCError(code: .invalidArgument, message: message()) }
}
