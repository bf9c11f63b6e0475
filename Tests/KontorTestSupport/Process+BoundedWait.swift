import Foundation

extension Process {
    /// Waits at most `seconds` for the process to end; false if it has not. Instead of
    /// `waitUntilExit`, which on Linux can spin forever on a run loop when called from a Swift
    /// concurrency thread (clean-clone CI hung 60 CPU-minutes in it after SIGKILLing the SMTP
    /// test server).
    @discardableResult
    func waitBounded(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        return true
    }
}
