/// The URL and hash rules of Ignition's resources: the schemes each spec version fetches from,
/// RFC 2397 `data:` URLs, and `verification.hash` specifiers.
enum IgnitionURL {
    /// The lower-cased scheme of `url`, or "" when it has none (as Go's `url.Parse` finds it).
    static func scheme(of url: String) -> String {
        guard let colon = url.firstIndex(of: ":") else { return "" }
        let candidate = url[..<colon]
        guard let first = candidate.first, first.isASCII, first.isLetter,
            candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return "" }
        return candidate.lowercased()
    }

    /// The schemes Ignition fetches from in a config of `version`.
    static func schemes(for version: IgnitionSpecVersion) -> Set<String> {
        var schemes: Set<String> = ["http", "https", "tftp", "s3", "data"]
        if version >= .v3_2 { schemes.insert("gs") }
        if version >= .v3_4_experimental { schemes.insert("arn") }
        return schemes
    }

    /// Why Ignition refuses `url` as a resource source, or nil.
    static func problem(with url: String, version: IgnitionSpecVersion) -> String? {
        if let problem = parseProblem(url) { return problem }
        let scheme = scheme(of: url)
        guard schemes(for: version).contains(scheme) else { return "invalid url scheme" }
        if scheme == "data" { return dataURLProblem(url) }
        return nil
    }

    /// What Go's `url.Parse` objects to: a bad percent-escape, or an unclosed IPv6 literal.
    private static func parseProblem(_ url: String) -> String? {
        let scheme = scheme(of: url)
        if scheme != "data", scheme != "arn" {
            let rest = scheme.isEmpty ? Substring(url) : url.dropFirst(scheme.count + 1)
            if rest.hasPrefix("//") {
                let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
                if authority.contains("["), !authority.contains("]") { return "unable to parse url" }
            }
        }
        if percentDecode(Substring(url)) == nil { return "unable to parse url" }
        return nil
    }

    // MARK: data URLs

    /// The characters RFC 2396 allows in a URL (unreserved, reserved, and `%` for escapes).
    private static func isURLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("-_.!~*'();/?:@&=+$,%".utf8).contains(byte)
        }
    }

    /// Why an RFC 2397 `data:` URL is malformed, with the messages of the Go library Ignition
    /// uses (vincent-petithory/dataurl); nil when it decodes.
    static func dataURLProblem(_ url: String) -> String? {
        let body = url.dropFirst("data:".count)
        guard let comma = body.firstIndex(of: ",") else { return "incomplete media type" }
        var parameters = body[..<comma].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let base64 = parameters.last == "base64"
        if base64 { parameters.removeLast() }
        if let mediaType = parameters.first, !mediaType.isEmpty {
            let parts = mediaType.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count != 2 || parts.contains(where: \.isEmpty) { return "invalid media type" }
        }
        for parameter in parameters.dropFirst() where !parameter.contains("=") {
            return "invalid media type parameter"
        }
        let data = body[body.index(after: comma)...]
        guard data.utf8.allSatisfy(isURLCharacter) else { return "invalid data character" }
        guard let decoded = percentDecode(data) else { return "invalid percent-encoding in data" }
        if base64, !isStandardBase64(decoded) { return "illegal base64 data" }
        return nil
    }

    /// `text` with `%XX` escapes decoded, or nil when an escape is malformed.
    private static func percentDecode(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Standard padded base64 (Go's `base64.StdEncoding`), which ignores line breaks.
    private static func isStandardBase64(_ bytes: [UInt8]) -> Bool {
        let text = bytes.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        guard text.count % 4 == 0 else { return false }
        let padding = text.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return false }
        return text.dropLast(padding).allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default: false
            }
        }
    }

    // MARK: hashes

    /// Why a `verification.hash` is refused, or nil. Ignition checks the function and the
    /// length of the sum, not that it is hexadecimal; sha256 came in spec 3.1.0.
    static func hashProblem(_ hash: String, version: IgnitionSpecVersion) -> String? {
        guard let dash = hash.firstIndex(of: "-") else { return "malformed hash specifier" }
        let function = hash[..<dash]
        let sum = hash[hash.index(after: dash)...]
        var lengths = ["sha512": 128]
        if version >= .v3_1 { lengths["sha256"] = 64 }
        guard let length = lengths[String(function)] else { return "unrecognized hash function" }
        return sum.count == length ? nil : "incorrect size for hash sum"
    }
}
