/// A subcommand's arguments written back out, so that a run records exactly how to start it
/// again (`kiln rerun`) whether it came from a shell or from `kiln rerun`/`kiln replay`.
struct CommandLineWords {
    private(set) var words: [String] = []

    /// `--name value`, when there is a value.
    mutating func option(_ name: String, _ value: String?) {
        if let value { words += ["--\(name)", value] }
    }

    /// `--name value` once per value.
    mutating func options(_ name: String, _ values: [String]) {
        for value in values { words += ["--\(name)", value] }
    }

    /// `--name` when set.
    mutating func flag(_ name: String, _ set: Bool) {
        if set { words.append("--\(name)") }
    }

    /// The positional arguments, after `--` so that none is read as an option.
    mutating func positional(_ values: [String]) {
        if !values.isEmpty { words += ["--"] + values }
    }
}

extension RunCommand {
    /// The arguments that parse back into this command.
    var arguments: [String] {
        var line = CommandLineWords()
        line.options("exttest", externalDirectories)
        line.option("build", build)
        line.option("output-dir", outputDir)
        line.option("parallel", parallel)
        line.option("platform", platform)
        line.options("connect", connect)
        line.option("accel", accel)
        line.options("tag", tags)
        line.option("stream", stream)
        line.options("append-ignition", appendIgnition)
        line.options("append-butane", appendButane)
        line.option("files-dir", filesDir)
        line.flag("allow-config-warnings", allowConfigWarnings)
        line.option("memory", memory.map(String.init))
        kernelBoot.write(to: &line)
        line.option("denylist", denylist)
        line.flag("rerun", rerun)
        line.option("multiply", multiply == 1 ? nil : String(multiply))
        line.option("shard", shard)
        line.flag("console-checks-warn-only", consoleChecksWarnOnly)
        line.flag("keep-failed", keepFailed)
        line.flag("verbose", verbose)
        line.flag("debug", debug)
        line.option("expect-image-sha256", expectImageSHA256)
        line.flag("ignore-config-repository", ignoreConfigRepository)
        line.option("workdir", workdir.workdir)
        line.positional(patterns)
        return line.words
    }
}

extension RunUpgradeCommand {
    /// The arguments that parse back into this command.
    var arguments: [String] {
        var line = CommandLineWords()
        line.option("build", build)
        line.options("from", from)
        line.flag("find-parent", findParent)
        line.flag("matrix", matrix)
        line.option("stream", stream)
        line.option("expect", expect)
        line.option("output-dir", outputDir)
        line.option("parallel", parallel)
        line.option("accel", accel)
        line.flag("verbose", verbose)
        line.option("expect-image-sha256", expectImageSHA256)
        line.option("workdir", workdir.workdir)
        line.positional(patterns)
        return line.words
    }
}
