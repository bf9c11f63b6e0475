import Logging

/// Tests log warnings and errors only: connection churn of per-test databases is expected.
public enum TestLog {
    public static var logger: Logger {
        var logger = Logger(label: "kontor.test")
        logger.logLevel = .warning
        return logger
    }
}
