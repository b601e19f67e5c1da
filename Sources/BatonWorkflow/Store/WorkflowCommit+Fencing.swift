extension WorkflowCommit {
    /// The fencing rule every store applies: the commit is rejected unless the instance exists,
    /// is at ``expectedVersion``, and is leased by ``owner`` or by nobody.
    ///
    /// - Parameters:
    ///   - storedVersion: the instance's stored version, nil when it does not exist.
    ///   - leaseOwner: the stored lease holder, nil when nobody holds it.
    /// - Throws: `WorkflowError` `.notFound` or `.conflict`, worded alike by every store.
    public func checkFence(storedVersion: Int64?, leaseOwner: String?) throws(WorkflowError) {
        guard let storedVersion else {
            throw WorkflowError(code: .notFound, message: "workflow '\(workflowID)' not found")
        }
        guard storedVersion == expectedVersion else {
            throw WorkflowError(
                code: .conflict,
                message: "workflow '\(workflowID)' is at version \(storedVersion), writer expected \(expectedVersion)"
            )
        }
        if let leaseOwner, leaseOwner != owner {
            throw WorkflowError(code: .conflict, message: "workflow '\(workflowID)' is leased by '\(leaseOwner)'")
        }
    }
}
