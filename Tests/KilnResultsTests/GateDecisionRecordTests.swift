import Foundation
import KilnCore
import Testing

@testable import KilnResults

/// Gate decisions as `kiln gate` and `kiln promote` record them.
struct GateDecisionRecordTests {
    @Test func decisionsAreRecordedWithTheirPolicyAndReadBackInOrder() throws {
        try withDatabase { database, _ throws in
            let at = Date(timeIntervalSince1970: 1_790_000_000)
            let blocked = GateDecision(build: "41.2", stream: "stable", at: at, arches: ["x86_64"], platforms: ["qemu"],
                                       sourceStream: "testing", baseline: "41.1", requirements: [
                                           GateRequirement(kind: .soak, subject: "testing", arch: nil, platform: nil, status: .tooYoung,
                                                           evidence: []),
                                       ])
            var promotable = blocked
            promotable.at = at.addingTimeInterval(86_400)
            promotable.requirements = []
            try database.recordDecision(blocked, policySHA256: "aa")
            try database.recordDecision(promotable, policySHA256: "bb")
            let recorded = try database.decisions(build: "41.2", stream: "stable")
            #expect(recorded.map(\.promotable) == [false, true])
            #expect(recorded.map(\.policySHA256) == ["aa", "bb"])
            #expect(recorded.first?.json.contains("\"too-young\"") == true)
            #expect(try database.decisions(build: "41.2", stream: "testing").isEmpty)
        }
    }
}
