import PropertyBased
import Testing

@testable import KilnCore

/// Random valid configs for the merge and conversion laws: every list keyed without duplicates,
/// files, directories and links on disjoint paths (a file replacing a parent's directory drops
/// the directory's fields, which no law below is about).
enum ConfigGenerator {
    static let versions: [IgnitionSpecVersion] = [.v3_0, .v3_1, .v3_2, .v3_3, .v3_4, .v3_5]

    static func some<T>(_ values: [T], _ rng: inout any SeededRandomNumberGenerator) -> [T] {
        Array(values.shuffled(using: &rng).prefix(Int.random(in: 0...values.count, using: &rng)))
    }

    static func maybe(_ rng: inout any SeededRandomNumberGenerator) -> Bool { Bool.random(using: &rng) }

    static func config(_ rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        let version = versions.randomElement(using: &rng)!
        var members = [JSONMember(key: "ignition", value: .object([JSONMember(key: "version", value: .string(version.description))]))]
        var storage: [JSONMember] = []
        let files: [JSONValue] = some(["/etc/a", "/etc/b", "/etc/c", "/var/d"], &rng).map { path in
            var file = [JSONMember(key: "path", value: .string(path))]
            if maybe(&rng) { file.append(JSONMember(key: "mode", value: .number(String([0o644, 0o600, 0o755].randomElement(using: &rng)!)))) }
            if maybe(&rng) {
                file.append(JSONMember(key: "contents", value: .object([JSONMember(key: "source", value: .string(["data:,x", "data:,y"].randomElement(using: &rng)!))])))
                // Ignition requires contents for overwrite: true.
                if maybe(&rng) { file.append(JSONMember(key: "overwrite", value: .bool(maybe(&rng)))) }
            }
            return .object(file)
        }
        if !files.isEmpty { storage.append(JSONMember(key: "files", value: .array(files))) }
        let directories: [JSONValue] = some(["/srv/a", "/srv/b", "/srv/c"], &rng).map { path in
            .object([JSONMember(key: "path", value: .string(path))]
                    + (maybe(&rng) ? [JSONMember(key: "mode", value: .number(String(0o750)))] : []))
        }
        if !directories.isEmpty { storage.append(JSONMember(key: "directories", value: .array(directories))) }
        let links: [JSONValue] = some(["/opt/a", "/opt/b"], &rng).map { path in
            .object([JSONMember(key: "path", value: .string(path)),
                     JSONMember(key: "target", value: .string(["/etc/a", "/srv/b"].randomElement(using: &rng)!))])
        }
        if !links.isEmpty { storage.append(JSONMember(key: "links", value: .array(links))) }
        if !storage.isEmpty { members.append(JSONMember(key: "storage", value: .object(storage))) }
        let units: [JSONValue] = some(["a.service", "b.service", "c.timer"], &rng).map { name in
            var unit = [JSONMember(key: "name", value: .string(name))]
            if maybe(&rng) { unit.append(JSONMember(key: "enabled", value: .bool(maybe(&rng)))) }
            if maybe(&rng) { unit.append(JSONMember(key: "contents", value: .string("[Unit]\nDescription=\(name)\n"))) }
            let dropins: [JSONValue] = some(["10.conf", "20.conf"], &rng).map { .object([JSONMember(key: "name", value: .string($0)),
                                                                                          JSONMember(key: "contents", value: "[Unit]\n")]) }
            if !dropins.isEmpty { unit.append(JSONMember(key: "dropins", value: .array(dropins))) }
            return .object(unit)
        }
        if !units.isEmpty { members.append(JSONMember(key: "systemd", value: .object([JSONMember(key: "units", value: .array(units))]))) }
        let users: [JSONValue] = some(["core", "alice", "bob"], &rng).map { name in
            var user = [JSONMember(key: "name", value: .string(name))]
            let keys = some(["k1", "k2", "k3"], &rng)
            if !keys.isEmpty { user.append(JSONMember(key: "sshAuthorizedKeys", value: .array(keys.map(JSONValue.string)))) }
            let groups = some(["wheel", "adm"], &rng)
            if !groups.isEmpty { user.append(JSONMember(key: "groups", value: .array(groups.map(JSONValue.string)))) }
            return .object(user)
        }
        if !users.isEmpty { members.append(JSONMember(key: "passwd", value: .object([JSONMember(key: "users", value: .array(users))]))) }
        if version >= .v3_3 {
            let arguments = some(["quiet", "debug", "rhgb"], &rng)
            let split = Int.random(in: 0...arguments.count, using: &rng)
            var kernel: [JSONMember] = []
            if split > 0 { kernel.append(JSONMember(key: "shouldExist", value: .array(arguments[..<split].map(JSONValue.string)))) }
            if split < arguments.count {
                kernel.append(JSONMember(key: "shouldNotExist", value: .array(arguments[split...].map(JSONValue.string))))
            }
            if !kernel.isEmpty { members.append(JSONMember(key: "kernelArguments", value: .object(kernel))) }
        }
        return .object(members)
    }

    static let configs = Generator<JSONValue, Shrink.None<JSONValue>>(run: { rng in config(&rng) })
}

struct IgnitionPropertyTests {
    static func empty(like config: JSONValue) -> JSONValue {
        .object([JSONMember(key: "ignition", value: config["ignition"]!)])
    }

    static func errors(_ config: JSONValue) -> [ConfigDiagnostic] {
        IgnitionValidator.validate(JSONDocument(value: config)).filter { $0.severity == .error }
    }

    @Test func generatedConfigsAreValid() async {
        await propertyCheck(count: 200, input: ConfigGenerator.configs) { config in
            #expect(Self.errors(config).isEmpty, "\(config.serialized())")
        }
    }

    @Test func emptyConfigIsAnIdentityOfMerge() async {
        await propertyCheck(count: 200, input: ConfigGenerator.configs) { config in
            #expect(IgnitionMerge.merge(config, Self.empty(like: config)) == config)
            #expect(IgnitionMerge.merge(Self.empty(like: config), config) == config)
        }
    }

    @Test func mergeIsIdempotent() async {
        await propertyCheck(count: 200, input: ConfigGenerator.configs) { config in
            #expect(IgnitionMerge.merge(config, config) == config)
        }
    }

    /// Lists of strings are sets to Ignition; a value moved between `shouldExist` and
    /// `shouldNotExist` can land at another place in the list depending on grouping.
    static func sortingStringLists(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
            return .array(items.sorted { $0.stringValue! < $1.stringValue! })
        case .array(let items): return .array(items.map(sortingStringLists))
        case .object(let members): return .object(members.map { JSONMember(key: $0.key, value: sortingStringLists($0.value)) })
        default: return value
        }
    }

    @Test func mergeIsAssociativeUpToTheOrderOfStringSets() async {
        await propertyCheck(count: 300, input: ConfigGenerator.configs, ConfigGenerator.configs, ConfigGenerator.configs) { a, b, c in
            let left = Self.sortingStringLists(IgnitionMerge.merge(IgnitionMerge.merge(a, b), c))
            let right = Self.sortingStringLists(IgnitionMerge.merge(a, IgnitionMerge.merge(b, c)))
            #expect(left == right, "\(left.serialized())\n!=\n\(right.serialized())")
        }
    }

    @Test func mergingValidConfigsGivesAValidConfigWithTheChildsValues() async {
        await propertyCheck(count: 200, input: ConfigGenerator.configs, ConfigGenerator.configs) { a, b in
            let merged = IgnitionMerge.merge(a, b)
            #expect(Self.errors(merged).isEmpty, "\(merged.serialized())")
            // Every file of the child is in the result with the child's mode.
            for file in b["storage"]?["files"]?.arrayValue ?? [] {
                let found = merged["storage"]?["files"]?.arrayValue?.first { $0["path"] == file["path"] }
                #expect(found != nil)
                if let mode = file["mode"] { #expect(found?["mode"] == mode) }
            }
        }
    }

    @Test func conversionUpAndBackDownIsTheIdentity() async throws {
        await propertyCheck(count: 200, input: ConfigGenerator.configs) { json in
            let config = try IgnitionConfig(json: json, source: "generated")
            for target in ConfigGenerator.versions where target >= config.version {
                let up = try config.converted(to: target, source: "generated")
                #expect(Self.errors(up.json).isEmpty)
                #expect(try up.converted(to: config.version, source: "generated") == config)
            }
        }
    }

    @Test func conversionDownSucceedsExactlyWhenNoNewerFieldIsUsed() async throws {
        await propertyCheck(count: 200, input: ConfigGenerator.configs) { json in
            let config = try IgnitionConfig(json: json, source: "generated")
            let usesKernelArguments = json["kernelArguments"] != nil
            for target in ConfigGenerator.versions where target < config.version {
                let result = Result { try config.converted(to: target, source: "generated") }
                switch result {
                case .success(let converted):
                    #expect(!(usesKernelArguments && target < .v3_3))
                    #expect(Self.errors(converted.json).isEmpty)
                case .failure(let error):
                    #expect(usesKernelArguments && target < .v3_3, "\(error)")
                    #expect((error as? ConfigError)?.path == "$.kernelArguments")
                }
            }
        }
    }
}
