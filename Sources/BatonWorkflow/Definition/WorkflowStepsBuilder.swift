/// The result builder behind ``WorkflowDefinition/init(_:version:configuration:steps:)``.
@resultBuilder
public enum WorkflowStepsBuilder {
    public static func buildExpression(_ step: StepDefinition) -> [StepDefinition] { [step] }
    public static func buildExpression(_ steps: [StepDefinition]) -> [StepDefinition] { steps }
    public static func buildBlock(_ parts: [StepDefinition]...) -> [StepDefinition] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [StepDefinition]?) -> [StepDefinition] { part ?? [] }
    public static func buildEither(first: [StepDefinition]) -> [StepDefinition] { first }
    public static func buildEither(second: [StepDefinition]) -> [StepDefinition] { second }
    public static func buildArray(_ parts: [[StepDefinition]]) -> [StepDefinition] { parts.flatMap { $0 } }
}
