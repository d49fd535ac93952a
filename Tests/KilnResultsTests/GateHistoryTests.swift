import Foundation
import KilnCore
import KilnResults
import Testing

/// ``GateHistory`` as the gate reads it: everything as it was at `at`.
struct GateHistoryTests {
    @Test func resultsOfABuildAreThoseRecordedByThen() throws {
        try withDatabase { database, _ throws in
            let x86 = try database.beginRun(runStart("41.1"))
            let libvirt = try database.beginRun(runStart("41.1", platform: "libvirt"))
            let arm = try database.beginRun(runStart("41.1", arch: "aarch64"))
            try database.record(test: report("a", .pass), runID: x86, finishedAt: instant(10))
            try database.record(test: report("b", .fail), runID: libvirt, finishedAt: instant(20))
            try database.record(test: report("c", .pass), runID: arm, finishedAt: instant(30))
            try database.record(test: report("d", .pass), runID: x86, finishedAt: instant(40))

            let history: any GateHistory = database
            #expect(try history.results(build: "41.1", arch: "x86_64", at: instant(100)).map(\.test) == ["a", "b", "d"])
            #expect(try history.results(build: "41.1", arch: "x86_64", at: instant(20)).map(\.test) == ["a", "b"])
            #expect(try history.results(build: "41.1", arch: "x86_64", at: instant(9)).isEmpty)
            #expect(try history.results(build: "41.1", arch: "aarch64", at: instant(100)).map(\.test) == ["c"])
            #expect(try history.results(build: "41.2", arch: "x86_64", at: instant(100)).isEmpty)
        }
    }

    @Test func aRerunReplacesTheFirstVerdictOnlyFromWhenItEnded() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            try database.record(test: report("basic", .fail), runID: runID, finishedAt: instant(10))
            try database.record(test: report("basic", .pass, attempt: 2), runID: runID, finishedAt: instant(20))
            let before = try database.results(build: "41.1", arch: "x86_64", at: instant(15))
            #expect(before.map(\.outcome) == [.fail])
            #expect(before.first?.attempts == 1)
            let after = try database.recentResults(test: "basic", arch: "x86_64", platform: "qemu", limit: 5, at: instant(20))
            #expect(after.map(\.outcome) == [.flake])
        }
    }

    @Test func recentResultsAreTheNewestOfOneTestArchAndPlatform() throws {
        try withDatabase { database, _ throws in
            for build in 1...5 {
                let runID = try database.beginRun(runStart("41.\(build)", at: instant(build * 100)))
                try database.record(test: report("basic", build == 3 ? .flake : .pass, attempt: build == 3 ? 2 : 1),
                                    runID: runID, finishedAt: instant(build * 100 + 50))
                try database.record(test: report("other", .pass), runID: runID, finishedAt: instant(build * 100 + 60))
            }
            let elsewhere = try database.beginRun(runStart("41.9", platform: "libvirt", at: instant(900)))
            try database.record(test: report("basic", .fail), runID: elsewhere, finishedAt: instant(950))

            let recent = try database.recentResults(test: "basic", arch: "x86_64", platform: "qemu", limit: 3, at: instant(1000))
            #expect(recent.map(\.build) == ["41.5", "41.4", "41.3"])
            #expect(recent.map(\.outcome) == [.pass, .pass, .flake])
            let earlier = try database.recentResults(test: "basic", arch: "x86_64", platform: "qemu", limit: 10, at: instant(350))
            #expect(earlier.map(\.build) == ["41.3", "41.2", "41.1"])
            #expect(try database.recentResults(test: "basic", arch: "x86_64", platform: "libvirt", limit: 10, at: instant(1000))
                .map(\.outcome) == [.fail])
        }
    }

    @Test func streamEntriesAsOfAnInstant() throws {
        try withDatabase { database, _ throws in
            try database.recordEntry(StreamEntry(build: "41.1", stream: "testing", at: instant(10)))
            try database.recordEntry(StreamEntry(build: "41.2", stream: "testing", at: instant(20)))
            try database.recordEntry(StreamEntry(build: "41.1", stream: "stable", fromStream: "testing", at: instant(30)))

            #expect(try database.entries(stream: "testing", at: instant(100)).map(\.build) == ["41.1", "41.2"])
            #expect(try database.entries(stream: "testing", at: instant(15)).map(\.build) == ["41.1"])
            #expect(try database.entries(stream: "stable", at: instant(29)).isEmpty)
            #expect(try database.entries(build: "41.1", at: instant(100)) == [
                StreamEntry(build: "41.1", stream: "testing", at: instant(10)),
                StreamEntry(build: "41.1", stream: "stable", fromStream: "testing", at: instant(30)),
            ])
            #expect(try database.entries(build: "41.1", at: instant(10)).map(\.stream) == ["testing"])
        }
    }

    @Test func waiversCreatedByThenIncludingExpiredOnes() throws {
        try withDatabase { database, _ throws in
            let old = try database.addWaiver(testPattern: "ext.*", reason: "https://tracker/1", waivedBy: "alice",
                                             createdAt: instant(10), expiresAt: instant(20))
            let new = try database.addWaiver(testPattern: "basic", fromBuild: "41.1", throughBuild: "41.3", arch: "aarch64",
                                             reason: "https://tracker/2", waivedBy: "bob", createdAt: instant(30),
                                             expiresAt: instant(90))
            #expect(old.id != new.id)
            #expect(try database.waivers(at: instant(100)) == [old, new])
            #expect(try database.waivers(at: instant(25)) == [old])
            #expect(try database.waivers(at: instant(5)).isEmpty)
        }
    }

    @Test func resultsOfInterruptedRunsStillCount() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1", host: "here", pid: 1))
            try database.record(test: report("basic", .fail), runID: runID, finishedAt: instant(10))
            try database.markInterrupted(hostname: "here", isAlive: { _ in false })
            #expect(try database.results(build: "41.1", arch: "x86_64", at: instant(20)).map(\.outcome) == [.fail])
        }
    }
}
