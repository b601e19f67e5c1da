import BatonAPI
import BatonRPC
import BatonServer
import BatonWorkflow
import Testing

@Suite("WorkflowService over RPC (real sockets, SQLite store)")
struct WorkflowAPIServiceTests {
    @Test("a started workflow completes with every step, output and timing; a repeated start is idempotent")
    func startAndGet() async throws {
        try await TestServer.with { t in
            let started = try await t.start("order", id: "o-1", input: #"{"sku":"A"}"#, correlationID: "order-1")
            #expect(started.workflowID == "o-1")
            #expect(started.created)
            let workflow = try await t.finished("o-1")
            #expect(workflow.status == .completed)
            #expect(workflow.steps.map(\.name) == ["reserve", "charge", "ship"])
            #expect(workflow.steps.map(\.status) == [.completed, .completed, .completed])
            #expect(workflow.steps.map(\.kind) == ["call", "call", "call"])
            #expect(workflow.steps.allSatisfy { $0.attempts == 1 && $0.startedAtMs > 0 && $0.finishedAtMs >= $0.startedAtMs })
            #expect(workflow.inputJson == #"{"sku":"A"}"#)
            #expect(workflow.outputJson == #"{"charge":"P-o-1","reserve":{"reservation":"R-o-1"},"ship":null}"#)
            #expect(workflow.correlationID == "order-1")

            let again = try await t.start("order", id: "o-1", input: #"{"sku":"B"}"#)
            #expect(again.created == false)
            #expect(again.status == .completed)
            #expect(t.ledger.all == ["o-1/reserve", "o-1/charge", "o-1/ship"])
        }
    }

    @Test("without a workflow id the server picks a unique one")
    func generatedID() async throws {
        try await TestServer.with { t in
            let a = try await t.start("order")
            let b = try await t.start("order")
            #expect(!a.workflowID.isEmpty && a.workflowID != b.workflowID)
        }
    }

    @Test("a business refusal compensates the completed steps in reverse order")
    func compensation() async throws {
        try await TestServer.with { t in
            try await t.start("order", id: "o-2", input: #"{"decline":true}"#)
            let workflow = try await t.finished("o-2")
            #expect(workflow.status == .compensated)
            #expect(workflow.failedStep == "charge")
            #expect(workflow.error?.code == "FAILED_PRECONDITION")
            #expect(workflow.error?.message == "payment declined")
            #expect(workflow.steps.map(\.status) == [.compensated, .failed, .pending])
            #expect(t.ledger.all == ["o-2/reserve", "o-2/reserve/compensate"])
        }
    }

    @Test("bad requests get a precise status and change nothing in the store")
    func badRequests() async throws {
        try await TestServer.with { t in
            let cases: [(String, RPCError.Code, () async throws -> Void)] = [
                ("unknown type", .notFound, { try await t.start("no-such-type", id: "x") }),
                ("malformed input", .invalidArgument, { try await t.start("order", id: "x", input: "{not json") }),
                ("missing type", .invalidArgument, { try await t.start("", id: "x") }),
                ("unknown id", .notFound, { _ = try await t.get("no-such-workflow") }),
                ("missing id", .invalidArgument, { _ = try await t.get("") }),
                ("unknown version", .notFound, {
                    var request = Baton_Coordination_V1_StartWorkflowRequest()
                    request.workflowType = "order"
                    request.workflowID = "x"
                    request.version = 7
                    _ = try await t.workflows.startWorkflow(request)
                }),
                ("bad page token", .invalidArgument, {
                    var request = Baton_Coordination_V1_ListWorkflowsRequest()
                    request.pageToken = "garbage"
                    _ = try await t.workflows.listWorkflows(request)
                }),
                ("page too large", .invalidArgument, {
                    var request = Baton_Coordination_V1_ListWorkflowsRequest()
                    request.pageSize = 5000
                    _ = try await t.workflows.listWorkflows(request)
                }),
            ]
            for (name, code, call) in cases {
                let error = await #expect(throws: RPCError.self, "\(name)") { try await call() }
                #expect(error?.code == code, "\(name): \(String(describing: error))")
                #expect(error?.message.isEmpty == false, "\(name) explains itself")
            }
            let all = try await t.workflows.listWorkflows(.init())
            #expect(all.total == 0)
            #expect(t.ledger.all.isEmpty)
        }
    }

    @Test("a signal by correlation id unblocks the waiting workflow; its payload reaches the next step")
    func signal() async throws {
        try await TestServer.with { t in
            try await t.start("approval", id: "a-1", correlationID: "ticket-9")
            _ = try await t.waitFor("a-1") { $0.currentStep == "await-approval" && $0.steps[1].status == .waiting }
            var request = Baton_Coordination_V1_SignalWorkflowRequest()
            request.target = .correlationID("ticket-9")
            request.signal = "approved"
            request.payloadJson = #"{"by":"ops"}"#
            _ = try await t.workflows.signalWorkflow(request)
            let workflow = try await t.finished("a-1")
            #expect(workflow.status == .completed)
            #expect(workflow.outputJson.contains(#""finish":{"by":"ops"}"#))

            request.target = .correlationID("ticket-none")
            let error = await #expect(throws: RPCError.self) { try await t.workflows.signalWorkflow(request) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("cancel answers the compensations it will run; illegal transitions are FAILED_PRECONDITION")
    func cancelPauseResume() async throws {
        try await TestServer.with { t in
            try await t.start("approval", id: "a-2")
            _ = try await t.waitFor("a-2") { $0.currentStep == "await-approval" }

            var resume = Baton_Coordination_V1_ResumeWorkflowRequest()
            resume.workflowID = "a-2"
            let notPaused = await #expect(throws: RPCError.self) { try await t.workflows.resumeWorkflow(resume) }
            #expect(notPaused?.code == .failedPrecondition)

            var pause = Baton_Coordination_V1_PauseWorkflowRequest()
            pause.workflowID = "a-2"
            #expect(try await t.workflows.pauseWorkflow(pause).status == .paused)
            #expect(try await t.workflows.resumeWorkflow(resume).status == .running)

            var cancel = Baton_Coordination_V1_CancelWorkflowRequest()
            cancel.workflowID = "a-2"
            cancel.reason = "customer changed their mind"
            cancel.initiatedBy = "support"
            #expect(try await t.workflows.cancelWorkflow(cancel).compensations == ["reserve"])
            let workflow = try await t.finished("a-2")
            #expect(workflow.status == .compensated)
            #expect(workflow.cancelReason == "customer changed their mind (by support)")
            #expect(t.ledger.all == ["a-2/reserve", "a-2/reserve/compensate"])

            let again = await #expect(throws: RPCError.self) { try await t.workflows.cancelWorkflow(cancel) }
            #expect(again?.code == .failedPrecondition)
            let pauseDone = await #expect(throws: RPCError.self) { try await t.workflows.pauseWorkflow(pause) }
            #expect(pauseDone?.code == .failedPrecondition)
        }
    }

    @Test("WatchWorkflow streams every event in order until the workflow ends; history matches it")
    func watch() async throws {
        try await TestServer.with { t in
            try await t.start("approval", id: "a-3")
            var request = Baton_Coordination_V1_WatchWorkflowRequest()
            request.workflowID = "a-3"
            async let watched = t.workflows.watchWorkflow(request) { events in
                var seen: [Baton_Coordination_V1_WorkflowEvent] = []
                for try await event in events { seen.append(event) }
                return seen
            }
            _ = try await t.waitFor("a-3") { $0.currentStep == "await-approval" }
            var signal = Baton_Coordination_V1_SignalWorkflowRequest()
            signal.target = .workflowID("a-3")
            signal.signal = "approved"
            _ = try await t.workflows.signalWorkflow(signal)
            let events = try await watched
            #expect(events.map(\.sequence) == Array(1...Int64(events.count)))
            #expect(events.first?.eventType == "WorkflowCreated")
            #expect(events.last?.eventType == "WorkflowCompleted")
            #expect(events.last?.final == true)
            #expect(events.filter { $0.eventType == "StepCompleted" }.map(\.step) == ["reserve", "await-approval", "finish"])
            #expect(events.allSatisfy { $0.workflowType == "approval" && $0.workflowID == "a-3" })

            var historyRequest = Baton_Coordination_V1_GetWorkflowHistoryRequest()
            historyRequest.workflowID = "a-3"
            let history = try await t.workflows.getWorkflowHistory(historyRequest)
            #expect(history.events == events)
        }
    }

    @Test("ListWorkflows filters and pages with a total")
    func listPaging() async throws {
        try await TestServer.with { t in
            for i in 1...5 { try await t.start("order", id: "o-\(i)") }
            try await t.start("order", id: "o-declined", input: #"{"decline":true}"#)
            for id in ["o-1", "o-2", "o-3", "o-4", "o-5", "o-declined"] { _ = try await t.finished(id) }
            var request = Baton_Coordination_V1_ListWorkflowsRequest()
            request.status = .completed
            request.pageSize = 2
            var ids: [String] = []
            var pages = 0
            repeat {
                let page = try await t.workflows.listWorkflows(request)
                #expect(page.total == 5)
                ids += page.workflows.map(\.workflowID)
                request.pageToken = page.nextPageToken
                pages += 1
            } while !request.pageToken.isEmpty
            #expect(pages == 3)
            #expect(Set(ids) == ["o-1", "o-2", "o-3", "o-4", "o-5"])
            #expect(ids.count == 5)

            var compensated = Baton_Coordination_V1_ListWorkflowsRequest()
            compensated.status = .compensated
            #expect(try await t.workflows.listWorkflows(compensated).workflows.map(\.workflowID) == ["o-declined"])
        }
    }

    @Test("metrics move as workflows finish; types describe the registered definitions")
    func metricsAndTypes() async throws {
        try await TestServer.with { t in
            let before = try await t.workflows.getMetrics(.init())
            #expect(before.completedToday == 0)
            try await t.start("order", id: "o-1")
            try await t.start("order", id: "o-2", input: #"{"decline":true}"#)
            try await t.start("approval", id: "a-1")
            _ = try await t.finished("o-1")
            _ = try await t.finished("o-2")
            let metrics = try await t.workflows.getMetrics(.init())
            #expect(metrics.active == 1)
            #expect(metrics.completedToday == 1)
            #expect(metrics.compensatedToday == 1)
            #expect(metrics.successRate == 0.5)
            #expect(metrics.countsByType == ["order": 2, "approval": 1])

            let types = try await t.workflows.listWorkflowTypes(.init())
            #expect(types.types.map(\.workflowType) == ["approval", "order"])
            let order = try #require(types.types.last)
            #expect(order.steps.map(\.name) == ["reserve", "charge", "ship"])
            #expect(order.steps.map(\.hasCompensation) == [true, true, false])
            #expect(types.types.first?.steps.map(\.kind) == ["call", "wait", "call"])
        }
    }
}

@Suite("EventService over RPC")
struct EventAPIServiceTests {
    @Test("a published event reaches its listener once; the duplicate is reported")
    func publish() async throws {
        try await TestServer.with { t in
            var request = Baton_Coordination_V1_PublishEventRequest()
            request.eventType = "OrderCreated"
            request.eventID = "evt-1"
            request.correlationID = "42"
            request.payloadJson = #"{"sku":"A"}"#
            let first = try await t.events.publishEvent(request)
            #expect(first.duplicate == false)
            #expect(first.handledBy == ["starts-orders"])
            let second = try await t.events.publishEvent(request)
            #expect(second.duplicate)
            let workflow = try await t.finished("order-42")
            #expect(workflow.status == .completed)
            #expect(workflow.correlationID == "42")
            #expect(t.ledger.all.filter { $0.hasSuffix("/reserve") } == ["order-42/reserve"])

            request.eventID = ""
            let error = await #expect(throws: RPCError.self) { try await t.events.publishEvent(request) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("Subscribe streams lifecycle events filtered by event type and workflow type")
    func subscribe() async throws {
        try await TestServer.with { t in
            var request = Baton_Coordination_V1_SubscribeRequest()
            request.eventTypes = ["WorkflowCompleted", "WorkflowCompensated"]
            request.workflowTypes = ["order"]
            async let received = t.events.subscribe(request) { events in
                var seen: [Baton_Coordination_V1_WorkflowEvent] = []
                for try await event in events {
                    seen.append(event)
                    if seen.count == 2 { break }
                }
                return seen
            }
            // Start the workflows once the server has registered the subscription.
            while t.server.events.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await t.start("approval", id: "a-1")
            try await t.start("order", id: "o-1")
            try await t.start("order", id: "o-2", input: #"{"decline":true}"#)
            let events = try await received
            #expect(Set(events.map(\.workflowID)) == ["o-1", "o-2"])
            #expect(Set(events.map(\.eventType)) == ["WorkflowCompleted", "WorkflowCompensated"])
            #expect(events.allSatisfy { $0.workflowType == "order" && $0.final })
        }
    }
}

@Suite("Server metrics")
struct BatonMetricsTests {
    @Test("workflow and RPC metrics move with the work, under the names operators scrape")
    func metricsMove() async throws {
        try await TestServer.with { t in
            try await t.start("order", id: "o-1")
            try await t.start("order", id: "o-2", input: #"{"decline":true}"#)
            try await t.start("approval", id: "a-1")
            _ = try await t.finished("o-1")
            _ = try await t.finished("o-2")
            _ = try? await t.get("missing")
            // The recorder follows the event stream on its own task; wait until it has seen both ends.
            var text = ""
            for _ in 0..<500 {
                text = await t.server.metrics.exposition()
                if text.contains(#"workflow_failed_total{workflow_type="order",status="COMPENSATED"} 1"#) { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(text.contains(#"workflow_started_total{workflow_type="order"} 2"#))
            #expect(text.contains(#"workflow_started_total{workflow_type="approval"} 1"#))
            #expect(text.contains(#"workflow_completed_total{workflow_type="order"} 1"#))
            #expect(text.contains(#"workflow_failed_total{workflow_type="order",status="COMPENSATED"} 1"#))
            #expect(text.contains(#"saga_compensation_total{workflow_type="order"} 1"#))
            #expect(text.contains(#"workflow_duration_seconds_count{workflow_type="order"} 2"#))
            #expect(text.contains("workflow_active 1"))
            #expect(text.contains(#"rpc_requests_total{method="/baton.coordination.v1.WorkflowService/StartWorkflow",code="OK"} 3"#))
            #expect(text.contains(#"rpc_requests_total{method="/baton.coordination.v1.WorkflowService/GetWorkflow",code="NOT_FOUND"} 1"#))
            #expect(text.contains(#"rpc_request_duration_seconds_count{method="/baton.coordination.v1.WorkflowService/StartWorkflow"} 3"#))
        }
    }
}
