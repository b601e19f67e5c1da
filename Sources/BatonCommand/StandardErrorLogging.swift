import Logging

/// Sends the process's logs to standard error, lines less severe than `level` left out: what
/// `baton serve` and `baton services` both do at start, before anything logs.
func bootstrapStandardErrorLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
