public import Foundation

/// A staged rollout of a release, `rollout` in `updates/<stream>.json`: from `start_epoch` the
/// release is offered to a `start_percentage` of clients, growing linearly to all of them over
/// `duration_minutes`.
///
/// ```json
/// {"duration_minutes": 2880, "start_epoch": 1784728800, "start_percentage": 0.0}
/// ```
///
/// Every field is optional, with Fedora CoreOS's defaults: `start_epoch` 0, `start_percentage`
/// 0.0, and no `duration_minutes` meaning no progress. A fully rolled-out release keeps
/// `{"start_percentage": 1.0}`.
///
/// **Halting.** Fedora CoreOS has no "halted" field. Kiln halts a rollout by freezing it where it
/// is: `start_epoch` becomes the halt instant, `start_percentage` the share offered then
/// (``throttle(at:)``), and `duration_minutes` is *removed* — not set to 0: Cincinnati's policy
/// engine counts a present `duration_minutes` as at least one minute, so 0 would finish the
/// rollout a minute later, while an absent one means no progress. What the old schedule had left,
/// in whole minutes from the halt (or from its start, when halted before it), is kept under
/// ``remainingMinutesKey``, a member Cincinnati ignores. **Resuming** starts a new rollout at the
/// resume instant from the frozen share, over the remaining minutes (or a given duration), so an
/// uninterrupted schedule's rate carries on.
public struct Rollout: Sendable, Equatable {
    /// The member of a halted rollout that keeps the minutes its schedule had left.
    public static let remainingMinutesKey = "kiln.remaining_minutes"

    /// `start_epoch`: seconds since 1970 (UTC) when the rollout starts; default 0.
    public var startEpoch: Int?
    /// `start_percentage`: the share of clients offered the release at the start, 0.0–1.0;
    /// default 0.0.
    public var startPercentage: Double?
    /// `duration_minutes`: how long the rollout takes from its start share to all clients; nil
    /// for no progress.
    public var durationMinutes: Int?
    /// On a rollout Kiln halted, the minutes its schedule had left (``remainingMinutesKey``).
    public var remainingMinutes: Int?
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras

    /// A value with these members, as Kiln writes it.
    public init(startEpoch: Int? = nil, startPercentage: Double? = nil, durationMinutes: Int? = nil,
                remainingMinutes: Int? = nil, extras: JSONObjectExtras = .init()) {
        self.startEpoch = startEpoch
        self.startPercentage = startPercentage
        self.durationMinutes = durationMinutes
        self.remainingMinutes = remainingMinutes
        self.extras = extras
    }

    /// A rollout starting at `start` (rounded down to the second) from `startPercentage`, over
    /// `durationMinutes`, as Fedora CoreOS's `rollout.py add` writes one.
    public init(start: Date, startPercentage: Double = 0, durationMinutes: Int) {
        self.init(startEpoch: StreamJSON.epoch(start), startPercentage: startPercentage, durationMinutes: durationMinutes)
    }

    /// A finished rollout, `{"start_percentage": 1.0}`.
    public static let complete = Rollout(startPercentage: 1)

    /// Whether the rollout progresses (it has a `duration_minutes`).
    public var isProgressing: Bool { durationMinutes != nil }

    /// When a progressing rollout reaches all clients, in seconds since 1970.
    public var endEpoch: Int? {
        durationMinutes.map { (startEpoch ?? 0) + max($0, 1) * 60 }
    }

    /// The share of clients offered the release at `date`, as Cincinnati's policy engine
    /// computes it (`throttle_rollouts`): 0 before the start; without a duration, the start
    /// share; else `start + (1 - start) * elapsed / duration`, 1 after the end, with a
    /// duration of at least a minute.
    public func throttle(at date: Date) -> Double {
        let now = StreamJSON.epoch(date)
        let start = startEpoch ?? 0
        let startValue = startPercentage ?? 0
        guard now >= start else { return 0 }
        guard let end = endEpoch else { return startValue }
        if now > end { return 1 }
        return startValue + (1 - startValue) / Double(end - start) * Double(now - start)
    }

    /// This rollout halted at `date` (see the type's documentation).
    /// - Throws: when it does not progress (already halted or complete) or has finished by `date`.
    public func halted(at date: Date) throws(StreamFileError) -> Rollout {
        guard let end = endEpoch else {
            throw StreamFileError(path: "", message: (startPercentage ?? 0) >= 1
                ? "the release is fully rolled out; there is nothing to halt"
                : "the rollout is already halted at \(Self.percent(startPercentage ?? 0)) (it has no duration_minutes)")
        }
        let share = throttle(at: date)
        guard share < 1 else {
            throw StreamFileError(path: "", message: "the rollout finished at \(StreamJSON.timestamp(Date(timeIntervalSince1970: Double(end)))); there is nothing to halt")
        }
        let now = StreamJSON.epoch(date)
        let remaining = (end - max(now, startEpoch ?? 0) + 59) / 60
        // Kiln rewrites the rollout: its members go in FCOS's order; unknown ones stay.
        return Rollout(startEpoch: now, startPercentage: share, durationMinutes: nil, remainingMinutes: remaining, extras: JSONObjectExtras(unknown: extras.unknown))
    }

    /// This halted rollout resumed at `date` from its frozen share, over `durationMinutes`, or
    /// else the minutes its schedule had left when it was halted.
    /// - Throws: when it is not halted, is complete, has no recorded remainder and no duration
    ///   is given, the duration is under a minute, or `date` is before the halt.
    public func resumed(at date: Date, durationMinutes duration: Int? = nil) throws(StreamFileError) -> Rollout {
        if let durationMinutes {
            throw StreamFileError(path: "", message: "the rollout is not halted: it progresses over duration_minutes \(durationMinutes); halt it first")
        }
        let share = startPercentage ?? 0
        guard share < 1 else { throw StreamFileError(path: "", message: "the release is fully rolled out; there is nothing to resume") }
        guard let minutes = duration ?? remainingMinutes else {
            throw StreamFileError(path: "", message: "no remaining duration is recorded (\(Self.remainingMinutesKey)); give the duration in minutes")
        }
        guard minutes >= 1 else { throw StreamFileError(path: "", message: "the duration must be at least 1 minute, not \(minutes)") }
        let now = StreamJSON.epoch(date)
        if let halt = startEpoch, now < halt {
            throw StreamFileError(path: "", message: "cannot resume at \(StreamJSON.timestamp(date)), before the rollout was halted at \(StreamJSON.timestamp(Date(timeIntervalSince1970: Double(halt))))")
        }
        return Rollout(startEpoch: now, startPercentage: share, durationMinutes: minutes, remainingMinutes: nil, extras: JSONObjectExtras(unknown: extras.unknown))
    }

    /// `41.7%`.
    static func percent(_ share: Double) -> String { GateFormatting.percent(share) }

    init(reading node: StreamJSONNode) throws(StreamFileError) {
        let object = try node.object("a rollout {duration_minutes, start_epoch, start_percentage}")
        startEpoch = try object.optional("start_epoch")?.int("seconds since 1970")
        startPercentage = try object.optional("start_percentage")?.double("a number from 0.0 to 1.0", in: 0...1)
        durationMinutes = try object.optional("duration_minutes")?.int("a whole number of minutes, 0 or more", in: 0...Int.max / 120)
        remainingMinutes = try object.optional(Self.remainingMinutesKey)?.int("a whole number of minutes, 1 or more", in: 1...Int.max / 120)
        extras = object.extras(known: ["start_epoch", "start_percentage", "duration_minutes", Self.remainingMinutesKey])
    }

    /// The rollout in FCOS's order (`rollout.py`'s, alphabetical), Kiln's member last.
    public var json: JSONValue {
        extras.object([
            ("duration_minutes", durationMinutes.map(StreamJSON.number)),
            ("start_epoch", startEpoch.map(StreamJSON.number)),
            ("start_percentage", startPercentage.map(StreamJSON.number)),
            (Self.remainingMinutesKey, remainingMinutes.map(StreamJSON.number)),
        ])
    }
}
