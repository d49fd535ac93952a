import Foundation
import KilnResults
import Testing

/// Telling whether a run's Kiln still lives.
struct ProcessLivenessTests {
    @Test func thisProcessLives() {
        #expect(ProcessLiveness.isAlive(getpid()))
    }

    @Test func aKilledChildNotYetReapedIsGone() async throws {
        var pid: pid_t = 0
        let arguments = ["/bin/sleep", "60"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        #expect(posix_spawn(&pid, arguments[0], nil, nil, &argv, nil) == 0)
        #expect(ProcessLiveness.isAlive(pid))
        kill(pid, SIGKILL)
        // Until it is reaped the child is a zombie, which kill(pid, 0) still finds.
        try await Task.sleep(for: .milliseconds(200))
        #expect(kill(pid, 0) == 0)
        #expect(!ProcessLiveness.isAlive(pid))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(!ProcessLiveness.isAlive(pid))
    }
}
