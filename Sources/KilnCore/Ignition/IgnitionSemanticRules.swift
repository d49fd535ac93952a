/// The rules of Ignition's `Validate` methods, applied to a config whose types are already right.
/// Missing members read as absent; a member of the wrong type cannot occur here.
struct SemanticRules {
    let config: JSONValue
    let version: IgnitionSpecVersion

    func check(into report: inout DiagnosticReport) {
        checkIgnitionSection(into: &report)
        StorageRules(storage: config["storage"], version: version).check(into: &report)
        checkSystemd(into: &report)
        checkPasswd(into: &report)
        checkKernelArguments(into: &report)
    }

    // MARK: ignition

    private func checkIgnitionSection(into report: inout DiagnosticReport) {
        let ignition = config["ignition"]
        for (index, resource) in (ignition?["config"]?["merge"]).elements.enumerated() {
            checkResource(resource, at: "$.ignition.config.merge.\(index)", sourceRequired: true, into: &report)
        }
        if let replace = ignition?["config"]?["replace"], case .object(let members) = replace, !members.isEmpty {
            // An empty `replace` is the zero value, which Ignition does not validate as a resource.
            checkResource(replace, at: "$.ignition.config.replace", sourceRequired: false, into: &report)
        }
        let authorities = (ignition?["security"]?["tls"]?["certificateAuthorities"]).elements
        for (index, resource) in authorities.enumerated() {
            checkResource(resource, at: "$.ignition.security.tls.certificateAuthorities.\(index)",
                          sourceRequired: true, into: &report)
        }
        report.duplicates(in: authorities, at: "$.ignition.security.tls.certificateAuthorities") { $0["source"]?.stringValue }
        if let proxy = ignition?["proxy"] {
            for key in ["httpProxy", "httpsProxy"] {
                guard let text = proxy[key]?.stringValue, !text.isEmpty else { continue }
                let scheme = IgnitionURL.scheme(of: text)
                if scheme != "http" && scheme != "https" {
                    report.error("$.ignition.proxy.\(key)", "proxies must be http(s)")
                } else if key == "httpsProxy" && scheme == "http" {
                    report.warning("$.ignition.proxy.\(key)", "insecure plaintext HTTP proxy specified for HTTPS resources")
                }
            }
        }
    }

    /// A fetched resource: its URL, compression, HTTP headers and verification hash.
    func checkResource(_ resource: JSONValue, at path: String, sourceRequired: Bool, into report: inout DiagnosticReport) {
        Self.checkResource(resource, at: path, version: version, sourceRequired: sourceRequired, into: &report)
    }

    static func checkResource(_ resource: JSONValue, at path: String, version: IgnitionSpecVersion,
                              sourceRequired: Bool, into report: inout DiagnosticReport) {
        let source = resource["source"]?.stringValue ?? ""
        if source.isEmpty {
            if sourceRequired { report.error(path, "source is required") }
        } else if let problem = IgnitionURL.problem(with: source, version: version) {
            report.error("\(path).source", problem)
        }
        if let compression = resource["compression"]?.stringValue, !compression.isEmpty, compression != "gzip" {
            report.error("\(path).compression", "invalid compression method")
        }
        let headers = resource["httpHeaders"].elements
        if !headers.isEmpty {
            let scheme = IgnitionURL.scheme(of: source)
            if !source.isEmpty && scheme != "http" && scheme != "https" {
                report.error("\(path).httpHeaders", "cannot use HTTP headers with this source scheme")
            }
            for (index, header) in headers.enumerated() where (header["name"]?.stringValue ?? "").isEmpty {
                report.error("\(path).httpHeaders.\(index).name", "HTTP header name can't be empty")
            }
            report.duplicates(in: headers, at: "\(path).httpHeaders") { $0["name"]?.stringValue }
        }
        if let hash = resource["verification"]?["hash"]?.stringValue {
            let hashPath = "\(path).verification.hash"
            if source.isEmpty { report.error(hashPath, "source must be specified if verification is specified") }
            if let problem = IgnitionURL.hashProblem(hash, version: version) { report.error(hashPath, problem) }
        }
    }

    // MARK: systemd, passwd, kernelArguments

    private func checkSystemd(into report: inout DiagnosticReport) {
        let units = (config["systemd"]?["units"]).elements
        for (index, unit) in units.enumerated() {
            let path = "$.systemd.units.\(index)"
            let name = unit["name"]?.stringValue ?? ""
            if !SystemdUnitName.hasValidSuffix(name) {
                report.error("\(path).name", "invalid systemd unit extension")
            }
            let contents = unit["contents"]?.stringValue ?? ""
            if unit["enabled"] == .bool(true), !contents.isEmpty, !SystemdUnitName.hasInstallSection(contents) {
                report.warning("\(path).contents",
                               "unit \"\(name)\" is enabled, but has no install section so enable does nothing")
            }
            let dropins = unit["dropins"].elements
            for (dropinIndex, dropin) in dropins.enumerated() where !(dropin["name"]?.stringValue ?? "").hasSuffix(".conf") {
                report.error("\(path).dropins.\(dropinIndex).name", "invalid systemd drop-in extension")
            }
            report.duplicates(in: dropins, at: "\(path).dropins") { $0["name"]?.stringValue }
        }
        report.duplicates(in: units, at: "$.systemd.units") { $0["name"]?.stringValue }
    }

    private func checkPasswd(into report: inout DiagnosticReport) {
        let users = (config["passwd"]?["users"]).elements
        report.duplicates(in: users, at: "$.passwd.users") { $0["name"]?.stringValue }
        for (index, user) in users.enumerated() {
            report.duplicates(in: user["sshAuthorizedKeys"].elements, at: "$.passwd.users.\(index).sshAuthorizedKeys") {
                $0.stringValue
            }
        }
        report.duplicates(in: (config["passwd"]?["groups"]).elements, at: "$.passwd.groups") { $0["name"]?.stringValue }
    }

    /// An argument may appear once across `shouldExist` and `shouldNotExist`.
    private func checkKernelArguments(into report: inout DiagnosticReport) {
        var seen: Set<String> = []
        for key in ["shouldExist", "shouldNotExist"] {
            for (index, argument) in (config["kernelArguments"]?[key]).elements.enumerated() {
                guard let text = argument.stringValue else { continue }
                if !seen.insert(text).inserted {
                    report.error("$.kernelArguments.\(key).\(index)", "duplicate entry defined")
                }
            }
        }
    }
}

extension Optional where Wrapped == JSONValue {
    /// The elements of an array member, or none when it is absent.
    var elements: [JSONValue] { self?.arrayValue ?? [] }
}

extension DiagnosticReport {
    /// Reports, at each later element, an element whose key (from `key`) an earlier one has.
    /// Elements without a key are not compared, as Ignition skips zero-valued keys.
    mutating func duplicates(in elements: [JSONValue], at path: String, key: (JSONValue) -> String?) {
        var seen: Set<String> = []
        for (index, element) in elements.enumerated() {
            guard let value = key(element), !value.isEmpty else { continue }
            if !seen.insert(value).inserted { error("\(path).\(index)", "duplicate entry defined") }
        }
    }
}
