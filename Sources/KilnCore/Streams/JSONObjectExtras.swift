/// What a stream metadata model keeps of a JSON object beyond its own fields: the members it
/// does not know, and the order the object's members were read in.
///
/// Kiln models only the parts of Fedora CoreOS's metadata it writes (the `qemu` artifacts of a
/// release, say), yet it rewrites files that others may have written (a `release.json` with
/// `aws` images, a `releases.json` with `oci-images`). Unknown members are therefore *kept*,
/// not dropped, and written back; a file read and written again keeps its members in their
/// order. Members a model adds go after the ones that were read, in the model's (FCOS's) order.
///
/// Two values are equal when their unknown members are: the order read is presentation, so a
/// rollout read from a file equals the same rollout built in code.
public struct JSONObjectExtras: Sendable, Equatable {
    /// The members the model does not know, in the order they were read.
    public var unknown: [JSONMember]
    /// The keys of the object as read, in order; empty for an object Kiln created.
    public var order: [String]

    /// `unknown` members, of an object whose members were read in `order`.
    public init(unknown: [JSONMember] = [], order: [String] = []) {
        self.unknown = unknown
        self.order = order
    }

    public static func == (lhs: JSONObjectExtras, rhs: JSONObjectExtras) -> Bool { lhs.unknown == rhs.unknown }

    /// The object of the model's `known` members (in the model's order; nil ones left out)
    /// and the unknown ones, arranged in the order they were read.
    public func object(_ known: [(String, JSONValue?)]) -> JSONValue {
        let members = known.compactMap { key, value in value.map { JSONMember(key: key, value: $0) } } + unknown
        guard !order.isEmpty else { return .object(members) }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let arranged = members.enumerated().sorted { a, b in
            let (ra, rb) = (rank[a.element.key] ?? Int.max, rank[b.element.key] ?? Int.max)
            return ra != rb ? ra < rb : a.offset < b.offset
        }
        return .object(arranged.map(\.element))
    }
}
