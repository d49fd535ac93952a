import Foundation
import Synchronization

/// One libvirt host Kiln runs machines on: its connection, and the domain events of that
/// connection, fanned out to the machines by domain name.
public final class LibvirtHost: Sendable {
    public let connection: LibvirtConnection
    private let subscription: LibvirtEventSubscription
    private let watchers = WatchTable()
    private let pump: Task<Void, Never>

    /// The domains being followed, by name; shared with the task that hands events out.
    final class WatchTable: Sendable {
        let table = Mutex<[String: DomainWatch]>([:])
    }

    /// What Kiln has seen of one domain.
    final class DomainWatch: Sendable {
        private struct State {
            var resets = 0
            var ended: LibvirtDomainEvent.Kind?
        }
        private let state = Mutex(State())

        var resets: Int { state.withLock { $0.resets } }
        var ended: LibvirtDomainEvent.Kind? { state.withLock { $0.ended } }

        func record(_ kind: LibvirtDomainEvent.Kind) {
            state.withLock { state in
                switch kind {
                case .reboot: state.resets += 1
                case .stopped, .crashed: if state.ended == nil || state.ended == .crashed { state.ended = kind }
                default: break
                }
            }
        }
    }

    /// Connects to `uri` and subscribes to its domain events.
    public init(uri: String) throws(LibvirtError) {
        connection = try LibvirtConnection(uri: uri)
        subscription = try connection.subscribeToDomainEvents()
        let events = subscription.events
        let watchers = self.watchers
        pump = Task {
            for await event in events {
                watchers.table.withLock { $0[event.domain] }?.record(event.kind)
            }
        }
    }

    deinit {
        subscription.cancel()
        pump.cancel()
    }

    /// Starts following `name` (before its domain is created, so no event is missed).
    func watch(_ name: String) -> DomainWatch {
        let watch = DomainWatch()
        watchers.table.withLock { $0[name] = watch }
        return watch
    }

    func unwatch(_ name: String) {
        _ = watchers.table.withLock { $0.removeValue(forKey: name) }
    }
}
