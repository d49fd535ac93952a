import KilnCore
import Testing

@testable import KilnHarness

/// Subtests: a failure fails the test but the others still run, unless fail-fast.
struct SubtestTests {
    func context(failFast: Bool) -> TestContext {
        TestContext(testName: "t", artifactsDirectory: "/nonexistent", machines: [], activity: Activity(), failFast: failFast)
    }

    @Test func aFailedSubtestFailsTheTestAndTheRestStillRun() async throws {
        let ctx = context(failFast: false)
        var ran: [String] = []
        try await ctx.subtest("one") { ran.append("one"); throw TestFailure("bad") }
        try await ctx.subtest("two") { ran.append("two") }
        #expect(ran == ["one", "two"])
        #expect(throws: (any Error).self) { try ctx.throwIfSubtestsFailed() }
        do { try ctx.throwIfSubtestsFailed() } catch { #expect("\(error)" == "subtest failed: one") }
        #expect(ctx.activity.lines.contains { $0.contains("subtest one: FAIL: bad") })
        #expect(ctx.activity.lines.contains { $0.contains("subtest two: PASS") })
    }

    @Test func failFastStopsAtTheFirstFailure() async throws {
        let ctx = context(failFast: true)
        var ran: [String] = []
        await #expect(throws: (any Error).self) {
            try await ctx.subtest("one") { ran.append("one"); throw TestFailure("bad") }
            try await ctx.subtest("two") { ran.append("two") }
        }
        #expect(ran == ["one"])
    }

    @Test func aTimeoutNamesTheSubtestThatWasRunning() async throws {
        let ctx = context(failFast: false)
        try await ctx.subtest("slow part") {
            #expect(ctx.activity.summary == "in subtest slow part")
        }
        #expect(ctx.activity.summary == nil)
    }
}
