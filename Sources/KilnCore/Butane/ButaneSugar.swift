/// Butane's additions to Ignition's fields: where each is allowed and what it becomes.
extension ButaneWalker {
    /// The keys of `schema` that are Butane sugar in this variant, not Ignition fields.
    func sugarKeys(of schema: IgnitionObjectSchema, at ignition: String) -> Set<String> {
        switch schema.name {
        case "Config": ["variant", "version", "boot_device"]
        case "Resource": variant.supportsLocalFiles ? ["inline", "local"] : ["inline"]
        case "Unit", "Dropin": variant.supportsLocalUnitsAndKeys ? ["contents_local"] : []
        case "PasswdUser": variant.supportsLocalUnitsAndKeys ? ["ssh_authorized_keys_local"] : []
        case "Storage": variant.supportsLocalFiles ? ["trees"] : []
        case "Filesystem": variant.version >= IgnitionSpecVersion(major: 1, minor: 3) ? ["with_mount_unit"] : []
        default: []
        }
    }

    /// Turns the sugar keys of one mapping into Ignition fields of `members`.
    mutating func applySugar(to members: inout [String: JSONValue], pairs: [YAMLPair], schema: IgnitionObjectSchema,
                             ignition: String, butane: String)
    {
        func pair(_ key: String) -> YAMLPair? {
            pairs.first { $0.key == key && !$0.value.isNull && sugarKeys(of: schema, at: ignition).contains(key) }
        }
        switch schema.name {
        case "Config":
            if let bootDevice = pair("boot_device") {
                error("\(butane).boot_device", bootDevice.keyPosition,
                      "boot_device is not supported by Kiln's translator; write the disks, RAID and LUKS sections it stands for")
            }
        case "Resource":
            let given = ["source", "inline", "local"].filter { key in pairs.contains { $0.key == key && !$0.value.isNull } }
            if given.count > 1 {
                error(butane, pairs.first { $0.key == given[1] }!.keyPosition,
                      "only one of source, inline and local may be set, found \(given.joined(separator: " and "))")
                return
            }
            if let inline = pair("inline"), let text = string(inline, butane: "\(butane).inline") {
                record("\(ignition).source", butane: "\(butane).inline", at: inline.value.position)
                members["source"] = .string(makeDataURL(Array(text.utf8)))
            }
            if let local = pair("local"), let bytes = localFile(local, butane: "\(butane).local") {
                record("\(ignition).source", butane: "\(butane).local", at: local.value.position)
                members["source"] = .string(makeDataURL(bytes))
            }
        case "Unit", "Dropin":
            guard let local = pair("contents_local") else { return }
            if members["contents"] != nil {
                error("\(butane).contents_local", local.keyPosition, "only one of contents and contents_local may be set")
            } else if let bytes = localFile(local, butane: "\(butane).contents_local") {
                record("\(ignition).contents", butane: "\(butane).contents_local", at: local.value.position)
                members["contents"] = .string(String(decoding: bytes, as: UTF8.self))
            }
        case "PasswdUser":
            guard let local = pair("ssh_authorized_keys_local") else { return }
            let path = "\(butane).ssh_authorized_keys_local"
            guard case .sequence(let items) = local.value.kind else {
                error(path, local.value.position, "wrong type: expected a list, found \(local.value.typeName)")
                return
            }
            var keys = members["sshAuthorizedKeys"]?.arrayValue ?? []
            for (index, item) in items.enumerated() {
                guard let bytes = localFile(YAMLPair(key: "", keyPosition: item.position, value: item), butane: "\(path).\(index)")
                else { continue }
                for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
                where !line.allSatisfy(\.isWhitespace) {
                    keys.append(.string(String(line)))
                }
            }
            record("\(ignition).sshAuthorizedKeys", butane: path, at: local.value.position)
            members["sshAuthorizedKeys"] = .array(keys)
        case "Storage":
            if let trees = pair("trees") { addTrees(trees, to: &members, ignition: ignition, butane: "\(butane).trees") }
        case "Filesystem":
            if let mountUnit = pair("with_mount_unit"), mountUnit.value.boolValue == true {
                error("\(butane).with_mount_unit", mountUnit.keyPosition,
                      "with_mount_unit is not supported by Kiln's translator; add the .mount unit under systemd.units")
            }
        default:
            break
        }
    }

    /// The string of a sugar value, or nil (reported) when it is not one.
    private mutating func string(_ pair: YAMLPair, butane: String) -> String? {
        if let text = pair.value.scalarText { return text }
        error(butane, pair.value.position, "wrong type: expected a string, found \(pair.value.typeName)")
        return nil
    }

    /// The bytes of the local file a sugar value names, or nil (reported).
    private mutating func localFile(_ pair: YAMLPair, butane: String) -> [UInt8]? {
        guard let path = string(pair, butane: butane) else { return nil }
        guard let files else {
            error(butane, pair.value.position, "local file \"\(path)\" needs a files directory (--files-dir)")
            return nil
        }
        do {
            return try files.contents(of: try normalizedLocalPath(path))
        } catch {
            self.error(butane, pair.value.position, error.message)
            return nil
        }
    }

    /// Adds the files and links of every `storage.trees` entry: files with mode 0755 when
    /// executable and 0644 otherwise, links with their targets. A tree file may fill in the
    /// contents of a `storage.files` entry at its path that has none; any other overlap is an error.
    private mutating func addTrees(_ trees: YAMLPair, to members: inout [String: JSONValue], ignition: String, butane: String) {
        guard case .sequence(let entries) = trees.value.kind else {
            error(butane, trees.value.position, "wrong type: expected a list, found \(trees.value.typeName)")
            return
        }
        var files = members["files"]?.arrayValue ?? []
        var links = members["links"]?.arrayValue ?? []
        for (index, entry) in entries.enumerated() {
            let entryPath = "\(butane).\(index)"
            guard case .mapping(let fields) = entry.kind else {
                error(entryPath, entry.position, "wrong type: expected a mapping, found \(entry.typeName)")
                continue
            }
            for field in fields where field.key != "local" && field.key != "path" {
                warning("\(entryPath).\(field.key)", field.keyPosition, "Unused key \(field.key)")
            }
            guard let local = fields.first(where: { $0.key == "local" }), let localPath = string(local, butane: "\(entryPath).local") else {
                error(entryPath, entry.position, "a tree needs \"local\", the directory under the files directory")
                continue
            }
            var destination = "/"
            if let path = fields.first(where: { $0.key == "path" }) {
                guard let text = string(path, butane: "\(entryPath).path") else { continue }
                destination = text
            }
            guard let files_ = self.files else {
                error("\(entryPath).local", local.value.position, "local tree \"\(localPath)\" needs a files directory (--files-dir)")
                continue
            }
            let items: [ButaneTreeEntry]
            do {
                items = try files_.tree(at: try normalizedLocalPath(localPath))
            } catch {
                self.error("\(entryPath).local", local.value.position, error.message)
                continue
            }
            for item in items {
                let target = destination.hasSuffix("/") ? destination + item.path : destination + "/" + item.path
                let here = "\(entryPath).local"
                switch item.kind {
                case .file(let contents, let executable):
                    let resource = JSONValue.object([JSONMember(key: "source", value: .string(makeDataURL(contents)))])
                    if let existing = files.firstIndex(where: { $0["path"]?.stringValue == target }) {
                        if files[existing]["contents"] != nil {
                            error(here, local.value.position, "tree file \(target) is also in storage.files with contents")
                            continue
                        }
                        files[existing] = files[existing].setting("contents", to: resource)
                        if files[existing]["mode"] == nil {
                            files[existing] = files[existing].setting("mode", to: .number(executable ? "493" : "420"))
                        }
                    } else {
                        record("\(ignition).files.\(files.count)", butane: here, at: local.value.position)
                        files.append(.object([
                            JSONMember(key: "path", value: .string(target)),
                            JSONMember(key: "contents", value: resource),
                            JSONMember(key: "mode", value: .number(executable ? "493" : "420")),
                        ]))
                    }
                case .symlink(let linkTarget):
                    if links.contains(where: { $0["path"]?.stringValue == target }) {
                        error(here, local.value.position, "tree link \(target) is also in storage.links")
                        continue
                    }
                    record("\(ignition).links.\(links.count)", butane: here, at: local.value.position)
                    links.append(.object([
                        JSONMember(key: "path", value: .string(target)),
                        JSONMember(key: "target", value: .string(linkTarget)),
                    ]))
                }
            }
        }
        if !files.isEmpty { members["files"] = .array(files) }
        if !links.isEmpty { members["links"] = .array(links) }
    }
}
