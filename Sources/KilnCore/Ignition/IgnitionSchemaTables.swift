/// The tables of ``IgnitionObjectSchema``s for spec 3.0.0 through 3.5.0.
public enum IgnitionSchema {
    /// The root object of a config.
    public static let config = IgnitionObjectSchema("Config", [
        IgnitionField("ignition", .object(ignition)),
        IgnitionField("storage", .object(storage)),
        IgnitionField("systemd", .object(systemd)),
        IgnitionField("passwd", .object(passwd)),
        IgnitionField("kernelArguments", .object(kernelArguments), since: .v3_3),
    ])

    // MARK: ignition

    static let ignition = IgnitionObjectSchema("Ignition", [
        IgnitionField("version", .string),
        IgnitionField("config", .object(IgnitionObjectSchema("IgnitionConfig", [
            IgnitionField("merge", .array(of: .object(configResource))),
            IgnitionField("replace", .object(configResource)),
        ]))),
        IgnitionField("timeouts", .object(IgnitionObjectSchema("Timeouts", [
            IgnitionField("httpResponseHeaders", .integer),
            IgnitionField("httpTotal", .integer),
        ]))),
        IgnitionField("security", .object(IgnitionObjectSchema("Security", [
            IgnitionField("tls", .object(IgnitionObjectSchema("TLS", [
                IgnitionField("certificateAuthorities", .array(of: .object(configResource))),
            ]))),
        ]))),
        IgnitionField("proxy", .object(IgnitionObjectSchema("Proxy", [
            IgnitionField("httpProxy", .string),
            IgnitionField("httpsProxy", .string),
            IgnitionField("noProxy", .array(of: .string)),
        ])), since: .v3_1),
    ])

    static let httpHeader = IgnitionObjectSchema("HTTPHeader", [
        IgnitionField("name", .string),
        IgnitionField("value", .string),
    ])

    static let verification = IgnitionObjectSchema("Verification", [
        IgnitionField("hash", .string),
    ])

    /// A resource of `ignition.config` and `certificateAuthorities`: `compression` and
    /// `httpHeaders` came in 3.1.0.
    static let configResource = IgnitionObjectSchema("Resource", [
        IgnitionField("source", .string),
        IgnitionField("compression", .string, since: .v3_1),
        IgnitionField("httpHeaders", .array(of: .object(httpHeader)), since: .v3_1),
        IgnitionField("verification", .object(verification)),
    ])

    /// A resource of `files` (`contents`, `append`) and `luks.keyFile`: `compression` was
    /// there from 3.0.0, `httpHeaders` came in 3.1.0.
    static let fileResource = IgnitionObjectSchema("Resource", [
        IgnitionField("source", .string),
        IgnitionField("compression", .string),
        IgnitionField("httpHeaders", .array(of: .object(httpHeader)), since: .v3_1),
        IgnitionField("verification", .object(verification)),
    ])

    // MARK: storage

    static let storage = IgnitionObjectSchema("Storage", [
        IgnitionField("disks", .array(of: .object(disk))),
        IgnitionField("raid", .array(of: .object(raid))),
        IgnitionField("filesystems", .array(of: .object(filesystem))),
        IgnitionField("files", .array(of: .object(file))),
        IgnitionField("directories", .array(of: .object(directory))),
        IgnitionField("links", .array(of: .object(link))),
        IgnitionField("luks", .array(of: .object(luks)), since: .v3_2),
    ])

    static let disk = IgnitionObjectSchema("Disk", [
        IgnitionField("device", .string),
        IgnitionField("wipeTable", .boolean),
        IgnitionField("partitions", .array(of: .object(IgnitionObjectSchema("Partition", [
            IgnitionField("label", .string),
            IgnitionField("number", .integer),
            IgnitionField("sizeMiB", .integer),
            IgnitionField("startMiB", .integer),
            IgnitionField("typeGuid", .string),
            IgnitionField("guid", .string),
            IgnitionField("wipePartitionEntry", .boolean),
            IgnitionField("shouldExist", .boolean),
            IgnitionField("resize", .boolean, since: .v3_2),
        ])))),
    ])

    static let raid = IgnitionObjectSchema("Raid", [
        IgnitionField("name", .string),
        IgnitionField("level", .string),
        IgnitionField("devices", .array(of: .string)),
        IgnitionField("spares", .integer),
        IgnitionField("options", .array(of: .string)),
    ])

    static let filesystem = IgnitionObjectSchema("Filesystem", [
        IgnitionField("device", .string),
        IgnitionField("format", .string),
        IgnitionField("path", .string),
        IgnitionField("wipeFilesystem", .boolean),
        IgnitionField("label", .string),
        IgnitionField("uuid", .string),
        IgnitionField("options", .array(of: .string)),
        IgnitionField("mountOptions", .array(of: .string), since: .v3_1),
    ])

    static let nodeOwner = IgnitionObjectSchema("NodeOwner", [
        IgnitionField("id", .integer),
        IgnitionField("name", .string),
    ])

    static let nodeFields: [IgnitionField] = [
        IgnitionField("path", .string),
        IgnitionField("overwrite", .boolean),
        IgnitionField("user", .object(nodeOwner)),
        IgnitionField("group", .object(nodeOwner)),
    ]

    static let file = IgnitionObjectSchema("File", nodeFields + [
        IgnitionField("contents", .object(fileResource)),
        IgnitionField("append", .array(of: .object(fileResource))),
        IgnitionField("mode", .integer),
    ])

    static let directory = IgnitionObjectSchema("Directory", nodeFields + [
        IgnitionField("mode", .integer),
    ])

    static let link = IgnitionObjectSchema("Link", nodeFields + [
        IgnitionField("target", .string),
        IgnitionField("hard", .boolean),
    ])

    static let luks = IgnitionObjectSchema("Luks", [
        IgnitionField("name", .string),
        IgnitionField("device", .string),
        IgnitionField("keyFile", .object(fileResource)),
        IgnitionField("label", .string),
        IgnitionField("uuid", .string),
        IgnitionField("options", .array(of: .string)),
        IgnitionField("discard", .boolean, since: .v3_4),
        IgnitionField("openOptions", .array(of: .string), since: .v3_4),
        IgnitionField("wipeVolume", .boolean),
        IgnitionField("clevis", .object(IgnitionObjectSchema("Clevis", [
            IgnitionField("tang", .array(of: .object(IgnitionObjectSchema("Tang", [
                IgnitionField("url", .string),
                IgnitionField("thumbprint", .string),
                IgnitionField("advertisement", .string, since: .v3_4),
            ])))),
            IgnitionField("tpm2", .boolean),
            IgnitionField("threshold", .integer),
            IgnitionField("custom", .object(IgnitionObjectSchema("ClevisCustom", [
                IgnitionField("pin", .string),
                IgnitionField("config", .string),
                IgnitionField("needsNetwork", .boolean),
            ]))),
        ]))),
        IgnitionField("cex", .object(IgnitionObjectSchema("Cex", [
            IgnitionField("enabled", .boolean),
        ])), since: .v3_5),
    ])

    // MARK: systemd, passwd, kernelArguments

    static let systemd = IgnitionObjectSchema("Systemd", [
        IgnitionField("units", .array(of: .object(IgnitionObjectSchema("Unit", [
            IgnitionField("name", .string),
            IgnitionField("enabled", .boolean),
            IgnitionField("mask", .boolean),
            IgnitionField("contents", .string),
            IgnitionField("dropins", .array(of: .object(IgnitionObjectSchema("Dropin", [
                IgnitionField("name", .string),
                IgnitionField("contents", .string),
            ])))),
        ])))),
    ])

    static let passwd = IgnitionObjectSchema("Passwd", [
        IgnitionField("users", .array(of: .object(IgnitionObjectSchema("PasswdUser", [
            IgnitionField("name", .string),
            IgnitionField("passwordHash", .string),
            IgnitionField("sshAuthorizedKeys", .array(of: .string)),
            IgnitionField("uid", .integer),
            IgnitionField("gecos", .string),
            IgnitionField("homeDir", .string),
            IgnitionField("noCreateHome", .boolean),
            IgnitionField("primaryGroup", .string),
            IgnitionField("groups", .array(of: .string)),
            IgnitionField("noUserGroup", .boolean),
            IgnitionField("noLogInit", .boolean),
            IgnitionField("shell", .string),
            IgnitionField("shouldExist", .boolean, since: .v3_2),
            IgnitionField("system", .boolean),
        ])))),
        IgnitionField("groups", .array(of: .object(IgnitionObjectSchema("PasswdGroup", [
            IgnitionField("name", .string),
            IgnitionField("gid", .integer),
            IgnitionField("passwordHash", .string),
            IgnitionField("shouldExist", .boolean, since: .v3_2),
            IgnitionField("system", .boolean),
        ])))),
    ])

    static let kernelArguments = IgnitionObjectSchema("KernelArguments", [
        IgnitionField("shouldExist", .array(of: .string)),
        IgnitionField("shouldNotExist", .array(of: .string)),
    ])
}
