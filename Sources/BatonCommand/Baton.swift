import ArgumentParser

/// `baton`: the coordination server and its command-line client.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Baton coordinates business processes that span several services.",
        subcommands: [ServeCommand.self, ServicesCommand.self, WorkflowCommand.self, MetricsCommand.self, TypesCommand.self, DemoCommand.self]
    )
}
