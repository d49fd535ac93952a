/// What an updatable OS says is installed (the output of `kiln.update.status-command`): which
/// slot is booted and, per slot, its build and its boot counter, as systemd-boot keeps it in
/// the entry's file name (`slot-b+1-2.conf`: 1 try left, 2 used).
///
/// ```json
/// {"booted": "a", "slots": [{"slot": "a", "entry": "slot-a.conf", "version": "12.1",
///   "tries-left": null, "tries-done": null}, ...]}
/// ```
public struct UpdateStatus: Sendable, Equatable {
    public struct Slot: Sendable, Equatable {
        public var slot: String
        public var entry: String
        public var version: String
        /// nil: a blessed entry (no counter).
        public var triesLeft: Int?
        public var triesDone: Int?

        public init(slot: String, entry: String, version: String, triesLeft: Int? = nil, triesDone: Int? = nil) {
            self.slot = slot
            self.entry = entry
            self.version = version
            self.triesLeft = triesLeft
            self.triesDone = triesDone
        }
    }

    public var booted: String
    public var slots: [Slot]

    public init(booted: String, slots: [Slot]) {
        self.booted = booted
        self.slots = slots
    }

    /// Parses the status command's output; `source` names it in errors.
    public init(json text: String, source: String) throws(BuildMetadataError) {
        func fail(_ message: String) -> BuildMetadataError { BuildMetadataError(source: source, message: message) }
        let document: JSONDocument
        do { document = try JSONDocument(parsing: text) } catch { throw fail("not JSON: \(error)") }
        guard let booted = document.value["booted"]?.stringValue else { throw fail("no \"booted\" string") }
        guard case .array(let items)? = document.value["slots"] else { throw fail("no \"slots\" array") }
        var slots: [Slot] = []
        for (index, item) in items.enumerated() {
            guard let slot = item["slot"]?.stringValue, let entry = item["entry"]?.stringValue,
                  let version = item["version"]?.stringValue
            else { throw fail("slots[\(index)] needs \"slot\", \"entry\" and \"version\" strings") }
            func count(_ key: String) throws(BuildMetadataError) -> Int? {
                switch item[key] {
                case nil, .null?: return nil
                case .number(let text)?:
                    guard let value = Int(text), value >= 0 else { throw fail("slots[\(index)].\(key) must be a count, found \(text)") }
                    return value
                default: throw fail("slots[\(index)].\(key) must be a number or null")
                }
            }
            slots.append(Slot(slot: slot, entry: entry, version: version, triesLeft: try count("tries-left"),
                              triesDone: try count("tries-done")))
        }
        self.init(booted: booted, slots: slots)
    }

    /// The booted slot's entry, when it has one.
    public var bootedSlot: Slot? { slots.first { $0.slot == booted } }
}
