import ArgumentParser
import BatonAPI
import BatonRPC

/// `baton workflow …`: the lifecycle of workflows on a running server.
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Start, inspect and steer workflows on a running server.",
        subcommands: [Start.self, Get.self, List.self, Cancel.self, Pause.self, Resume.self, Signal.self, Watch.self, History.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a workflow (idempotent on --id).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The workflow type, e.g. PlaceOrder.") var type: String
        @Option(help: "The input, a JSON document.") var input = ""
        @Option(help: "A workflow id of your choosing; starting it again returns the same workflow.") var id = ""
        @Option(help: "The business key the workflow is about.") var correlationID = ""
        @Option(help: "The definition version (default: the latest).") var version = 0
        @Option(name: .customLong("metadata"), help: "A KEY=VALUE pair kept with the workflow (repeatable).")
        var metadata: [String] = []

        func run() async throws {
            var request = Baton_Coordination_V1_StartWorkflowRequest()
            request.workflowType = type
            request.inputJson = input
            request.workflowID = id
            request.correlationID = correlationID
            request.version = Int32(version)
            for pair in metadata {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--metadata takes KEY=VALUE, not '\(pair)'") }
                request.metadata[String(parts[0])] = String(parts[1])
            }
            let response = try await client.withClient { try await $0.startWorkflow(request, options: client.callOptions) }
            print("\(response.workflowID) \(Output.name(response.status))\(response.created ? "" : " (already existed)")")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a workflow and a table of its steps with timings.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws {
            var request = Baton_Coordination_V1_GetWorkflowRequest()
            request.workflowID = id
            let workflow = try await client.withClient { try await $0.getWorkflow(request, options: client.callOptions) }
            print(Output.table(workflow), terminator: "")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workflows, newest first.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this status, e.g. RUNNING or COMPENSATED.") var status: String?
        @Option(help: "Only this workflow type.") var type = ""
        @Option(help: "Only this correlation id.") var correlationID = ""
        @Option(help: "Workflows per page.") var pageSize = 50
        @Option(help: "A page token from the previous page.") var pageToken = ""

        func run() async throws {
            var request = Baton_Coordination_V1_ListWorkflowsRequest()
            if let status {
                guard let parsed = Output.status(named: status) else { throw ValidationError("unknown status '\(status)'") }
                request.status = parsed
            }
            request.workflowType = type
            request.correlationID = correlationID
            request.pageSize = Int32(pageSize)
            request.pageToken = pageToken
            let response = try await client.withClient { try await $0.listWorkflows(request, options: client.callOptions) }
            for workflow in response.workflows {
                print("\(workflow.workflowID)\t\(workflow.workflowType)\t\(Output.name(workflow.status))\t\(workflow.correlationID)")
            }
            print("\(response.workflows.count) of \(response.total)" + (response.nextPageToken.isEmpty ? "" : "; next page: --page-token \(response.nextPageToken)"))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a workflow; prints the compensations it will run.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String
        @Option var reason = ""
        @Option var initiatedBy = ""

        func run() async throws {
            var request = Baton_Coordination_V1_CancelWorkflowRequest()
            request.workflowID = id
            request.reason = reason
            request.initiatedBy = initiatedBy
            let response = try await client.withClient { try await $0.cancelWorkflow(request, options: client.callOptions) }
            print(response.compensations.isEmpty ? "cancelled; nothing to compensate" : "compensating: " + response.compensations.joined(separator: " → "))
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a running workflow.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws {
            var request = Baton_Coordination_V1_PauseWorkflowRequest()
            request.workflowID = id
            let workflow = try await client.withClient { try await $0.pauseWorkflow(request, options: client.callOptions) }
            print(Output.status(workflow))
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused workflow.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws {
            var request = Baton_Coordination_V1_ResumeWorkflowRequest()
            request.workflowID = id
            let workflow = try await client.withClient { try await $0.resumeWorkflow(request, options: client.callOptions) }
            print(Output.status(workflow))
        }
    }

    struct Signal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver a named signal to a workflow (by id or correlation id).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The signal's name.") var signal: String
        @Option(help: "The workflow's id.") var id = ""
        @Option(help: "Or the correlation id of its single unfinished workflow.") var correlationID = ""
        @Option(help: "The payload, a JSON document.") var payload = ""

        func run() async throws {
            var request = Baton_Coordination_V1_SignalWorkflowRequest()
            request.signal = signal
            request.payloadJson = payload
            guard id.isEmpty != correlationID.isEmpty else { throw ValidationError("give exactly one of --id and --correlation-id") }
            request.target = id.isEmpty ? .correlationID(correlationID) : .workflowID(id)
            let workflow = try await client.withClient { try await $0.signalWorkflow(request, options: client.callOptions) }
            print(Output.status(workflow))
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow a workflow's events live until it ends.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws {
            var request = Baton_Coordination_V1_WatchWorkflowRequest()
            request.workflowID = id
            try await client.withClient { workflows in
                try await workflows.watchWorkflow(request) { events in
                    for try await event in events { print(Output.line(event)) }
                }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a workflow's event history.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws {
            var request = Baton_Coordination_V1_GetWorkflowHistoryRequest()
            request.workflowID = id
            let response = try await client.withClient { try await $0.getWorkflowHistory(request, options: client.callOptions) }
            for event in response.events { print(Output.line(event)) }
        }
    }
}

/// `baton metrics`: what the server is doing.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Show workflow metrics.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let metrics = try await client.withClient { try await $0.getMetrics(.init(), options: client.callOptions) }
        print("active \(metrics.active)")
        print("completed today \(metrics.completedToday), failed \(metrics.failedToday), compensated \(metrics.compensatedToday)")
        print("average completion \(String(format: "%.3f", metrics.averageCompletionSeconds)) s, success rate \(String(format: "%.1f", metrics.successRate * 100)) %")
        for (type, count) in metrics.countsByType.sorted(by: { $0.key < $1.key }) { print("  \(type): \(count)") }
    }
}

/// `baton types`: the registered workflow definitions.
struct TypesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "types", abstract: "List registered workflow types and their steps.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let response = try await client.withClient { try await $0.listWorkflowTypes(.init(), options: client.callOptions) }
        for type in response.types {
            print("\(type.workflowType) v\(type.version)")
            for step in type.steps {
                print("  \(step.name) (\(step.kind)\(step.hasCompensation ? ", compensated" : ""))")
                for branch in step.branches { print("    \(branch.name) (\(branch.kind)\(branch.hasCompensation ? ", compensated" : ""))") }
            }
        }
    }
}
