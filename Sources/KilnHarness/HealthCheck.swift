import Foundation
import KilnCore
public import KilnPlatform

/// kola's rule for a machine that is up: once systemd has finished starting (or 120 s have
/// passed), no unit has failed and none is stuck activating. A machine that breaks it fails its
/// test with the units' names and their status.
public enum HealthCheck {
    /// How long startup may take after SSH answers.
    public static let settleSeconds = 120

    /// - Throws: `TestFailure` naming failed or stuck units, with `systemctl status` of each.
    public static func check(_ machine: any Machine) async throws {
        let state = try await machine.run("timeout \(settleSeconds) systemctl is-system-running --wait",
                                          timeout: .seconds(settleSeconds + 30)).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let failed = try await units(in: "failed", on: machine)
        let stuck = state == "starting" ? try await units(in: "activating", on: machine) : []
        guard !failed.isEmpty || !stuck.isEmpty else { return }
        var message = "machine \(machine.id) is not healthy (system state \(state.isEmpty ? "unknown" : state)):"
        if !failed.isEmpty { message += " failed units: \(failed.joined(separator: ", "));" }
        if !stuck.isEmpty { message += " units stuck activating after \(settleSeconds)s: \(stuck.joined(separator: ", "));" }
        for unit in (failed + stuck).prefix(5) {
            let status = try await machine.run("systemctl status --no-pager --full --lines=10 -- \(Shell.quoted(unit))",
                                               timeout: .seconds(30))
            message += "\n" + status.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw TestFailure(message)
    }

    /// The units in `state`, by name.
    static func units(in state: String, on machine: any Machine) async throws -> [String] {
        let result = try await machine.run("systemctl list-units --state=\(state) --no-legend --plain --full --no-pager",
                                           timeout: .seconds(30))
        return result.stdoutText.split(separator: "\n").compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).first.map(String.init)
        }
    }
}
