import Foundation
import KilnPlatform
import Testing

@testable import KilnLibvirt

/// Shutdown and reboot through the wrapper, against libvirt's test driver, and the events the
/// driver sends for them.
struct LibvirtLifecycleTests {
    private static func uniqueName(_ base: String) -> String { "\(base)-\(UUID().uuidString.prefix(8))" }

    /// The events of `name` until it stops, or until `limit` passes.
    private func events(of name: String, in subscription: LibvirtEventSubscription,
                        limit: Duration = .seconds(10)) async -> [LibvirtDomainEvent.Kind] {
        await withTaskGroup(of: [LibvirtDomainEvent.Kind]?.self) { group in
            group.addTask {
                var seen: [LibvirtDomainEvent.Kind] = []
                for await event in subscription.events where event.domain == name {
                    seen.append(event.kind)
                    if case .stopped = event.kind { break }
                }
                return seen
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            subscription.cancel()
            return first ?? []
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aShutdownStopsTheDomainWithReasonShutdown() async throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let subscription = try connection.subscribeToDomainEvents()
        let name = Self.uniqueName("kiln-down")
        let domain = try connection.createTransientDomain(xml: LibvirtConnectionTests.sample(name: name).rendered)
        try domain.shutdown()
        #expect(try connection.domain(named: name) == nil, "a transient domain is gone once shut down")
        let seen = await events(of: name, in: subscription)
        #expect(seen == [.started, .stopped(reason: .shutdown)])
        #expect(throws: LibvirtError.self) { try domain.shutdown() }
    }

    /// The test driver applies `<on_reboot>restart</on_reboot>` at once: the domain keeps
    /// running, and it sends no event for it (no reboot event, no lifecycle event), so Kiln's
    /// reset counting (``LibvirtHost``) cannot be tested against it; only the call is.
    @Test(.timeLimit(.minutes(1)))
    func aRebootKeepsTheDomainRunning() async throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let subscription = try connection.subscribeToDomainEvents()
        let name = Self.uniqueName("kiln-reboot")
        let domain = try connection.createTransientDomain(xml: LibvirtConnectionTests.sample(name: name).rendered)
        try domain.reboot()
        #expect(try domain.state() == .running)
        try domain.destroy()
        let seen = await events(of: name, in: subscription)
        #expect(seen == [.started, .stopped(reason: .destroyed)], "no event between start and destroy: \(seen)")
    }
}

/// Whether a machine's domain has ended, asked on the machine's own thread (not Swift's
/// cooperative pool), against the test driver.
struct LibvirtLinkTests {
    @Test(.timeLimit(.minutes(1)))
    func hasEndedAsksLibvirtOnTheMachinesThread() async throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let name = "kiln-link-\(UUID().uuidString.prefix(8))"
        let domain = try connection.createTransientDomain(xml: LibvirtConnectionTests.sample(name: name).rendered)
        let calls = DedicatedThread(name: "test-\(name)")
        let link = LibvirtLink(id: name, domain: domain, calls: calls, watch: LibvirtHost.DomainWatch(),
                               console: ConsoleWatcher(path: "/nonexistent/console.txt", started: .now),
                               uri: connection.uri, qemuLog: nil)
        #expect(await link.hasEnded == false, "no event yet, and libvirt says it runs")
        try await calls.run { try domain.destroy() }
        #expect(await link.hasEnded, "libvirt says it is gone, without any event")
        calls.stop()
        #expect(await link.hasEnded, "a machine whose thread was stopped has ended")
    }
}
