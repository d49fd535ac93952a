import Foundation
import KilnCore
import KilnHarness

/// `kiln run --keep-failed`: the machines of tests that failed stay up after the run's reports
/// are written, registered for `kiln ssh` and `kiln destroy`, until Ctrl-C, SIGTERM or
/// `kiln destroy`. A kept machine gives its memory and CPU reservation back when its test ends
/// (an idle guest; holding it could stall the rest of the run for good), so the run may start
/// other tests beside it.
extension RunCommand {
    /// A keeper for `--keep-failed`, nil without it.
    /// - Throws: exit status 2 for `--platform libvirt`, before anything is created.
    func keeperIfAsked() throws -> MachineKeeper? {
        guard keepFailed else { return nil }
        guard platform == "qemu" else {
            throw Self.fail("--keep-failed works with --platform qemu only (a libvirt domain's life is not bound to a Kiln process that kiln destroy could stop)", status: 2)
        }
        return MachineKeeper()
    }

    /// After the run's reports: keeps the machines of the tests whose final result is FAIL or
    /// TIMEOUT (not a FLAKE that passed when run again, nor a known failure), says how to reach
    /// them, registers them and waits for Ctrl-C, SIGTERM or `kiln destroy`; then stops them.
    /// An interrupted run kills them at once.
    func holdKeptMachines(_ keeper: MachineKeeper, report: RunReport, interrupted: Bool) async {
        if interrupted {
            keeper.cancelAll()
            await keeper.waitForScopes()
            return
        }
        let finals = Dictionary(report.tests.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        let failedHere: @Sendable (KeptMachine) -> Bool = { kept in
            kept.tests.contains { name in
                guard let test = finals[name], [.fail, .timeout].contains(test.result) else { return false }
                return test.attempts == kept.attempt
            }
        }
        keeper.release { !failedHere($0) }
        let kept = keeper.kept
        let say = { (line: String) in SpawnHolder.say(line) }
        for test in report.tests where test.result == .timeout && !kept.contains(where: { $0.tests.contains(test.name) }) {
            say("kiln: --keep-failed: \(test.name) timed out and its deadline killed its machines; there is none to keep")
        }
        guard !kept.isEmpty else {
            await keeper.waitForScopes()
            return
        }
        let registry = MachineRegistry(workdir: workdir.path)
        registry.pruneStale()
        let entries = kept.map { machine in
            MachineSession.Entry(name: machine.name, sshConfig: "\(machine.directory)/ssh-config",
                                 host: SSHConfigFile.host(of: machine.name), test: machine.tests.joined(separator: ", "))
        }
        var session: MachineSession?
        do {
            var reserved = try registry.reserve(prefix: "run", kind: "run")
            reserved.ready = true
            reserved.machines = entries
            try registry.write(reserved)
            session = reserved
        } catch {
            say("kiln: warning: cannot register the kept machines (kiln ssh and kiln destroy will not know them): \(error)")
        }
        var lines = entries.flatMap { SpawnHolder.howToReach($0, note: "kept: \($0.test ?? "") failed on it") }
        let stop = session.map { "Ctrl-C, SIGTERM or `kiln destroy \($0.id)`" } ?? "Ctrl-C or SIGTERM"
        lines.append("kiln: \(kept.count) machine(s) kept for debugging; \(stop) stops them and ends the run")
        say(lines.joined(separator: "\n"))
        _ = try? await withSignalCancellation {
            try? await Task.sleep(for: .seconds(100 * 365 * 86_400))
        }
        say("kiln: stopping the kept machines")
        keeper.release { _ in true }
        await keeper.waitForScopes()
        if let session { registry.remove(session.id) }
    }
}
