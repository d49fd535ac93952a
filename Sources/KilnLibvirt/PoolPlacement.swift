/// Where a pool's machines go, over the rooms of its hosts (``HostRoom``), with no libvirt
/// call: a machine goes to the live host with the most free slots where its memory fits; a job's
/// machines are placed all at once or not at all; a job that can never fit is refused.
/// Callers serialize placements (two placed at once would both pick the host that looked freest).
enum PoolPlacement {
    /// Why a job cannot run on the pool.
    enum Refusal: Equatable {
        /// No host of the pool could hold it, even empty and all live: the run asks too much.
        case never(String)
        /// The hosts that are left (others drained) cannot hold it, even empty.
        case notOnLiveHosts(String)
    }

    /// Indices of `rooms` in the order a machine tries them: the most free slots first, then
    /// the fewest machines running (so that equal hosts share the work), then the order given.
    /// Drained hosts come last (they have no free slot; ``HostRoom/take(memoryMiB:)`` refuses them).
    static func preferredOrder(_ rooms: [HostRoom]) -> [Int] {
        rooms.enumerated().map { (index: $0.offset, free: $0.element.freeSlots, running: $0.element.running) }
            .sorted { ($1.free, $0.running, $0.index) < ($0.free, $1.running, $1.index) }
            .map(\.index)
    }

    /// Takes a slot and `memoryMiB` for one machine on the first host of ``preferredOrder(_:)``
    /// where both are free; its index, or nil when none has room now.
    static func place(_ rooms: [HostRoom], memoryMiB: Int) -> Int? {
        preferredOrder(rooms).first { rooms[$0].take(memoryMiB: memoryMiB) }
    }

    /// Takes room for `machines` machines of `memoryMiB` each, all or none: their hosts'
    /// indices (a host may take several), or nil (nothing taken) when they do not fit now.
    static func admit(_ rooms: [HostRoom], machines: Int, memoryMiB: Int) -> [Int]? {
        var taken: [Int] = []
        for _ in 0..<machines {
            guard let index = place(rooms, memoryMiB: memoryMiB) else {
                for index in taken { rooms[index].give(memoryMiB: memoryMiB) }
                return nil
            }
            taken.append(index)
        }
        return taken
    }

    /// How many machines of `memoryMiB` each `room` holds at once when empty.
    static func holds(_ room: HostRoom, memoryMiB: Int) -> Int {
        guard let total = room.memoryMiB else { return room.capacity }
        return min(room.capacity, memoryMiB > 0 ? total / memoryMiB : room.capacity)
    }

    /// Why `machines` machines of `memoryMiB` each can never run at once, or nil when they
    /// can (now or once others end). Each host holds as many as its slots and its memory allow.
    static func refusal(_ rooms: [HostRoom], machines: Int, memoryMiB: Int) -> Refusal? {
        func describe(_ rooms: [HostRoom]) -> String {
            let slots = rooms.map(\.capacity).reduce(0, +)
            let largest = rooms.compactMap(\.memoryMiB).max()
            var text = "the job needs \(machines) machine(s) of \(memoryMiB) MiB at once"
            text += "; the \(rooms.count == 1 ? "host has" : "\(rooms.count) hosts have") \(slots) slot(s)"
            if let largest { text += " and at most \(largest) MiB for guests on one host" }
            return text
        }
        if rooms.map({ holds($0, memoryMiB: memoryMiB) }).reduce(0, +) < machines {
            return .never(describe(rooms))
        }
        let live = rooms.filter { $0.drainedBecause == nil }
        if live.map({ holds($0, memoryMiB: memoryMiB) }).reduce(0, +) < machines {
            return .notOnLiveHosts(describe(live) + " (others were drained)")
        }
        return nil
    }
}
