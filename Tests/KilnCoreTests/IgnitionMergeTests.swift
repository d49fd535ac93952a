import Testing

@testable import KilnCore

/// Ignition's merge rules (`config/merge` of coreos/ignition), case by case.
struct IgnitionMergeTests {
    static func json(_ text: String) throws -> JSONValue { try JSONDocument(parsing: text).value }

    static func merged(_ parent: String, _ child: String) throws -> String {
        IgnitionMerge.merge(try json(parent), try json(child)).serialized()
    }

    @Test func childOverridesScalarsAndKeepsTheRest() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.0.0","timeouts":{"httpTotal":10,"httpResponseHeaders":5}}}"#,
            #"{"ignition":{"version":"3.3.0","timeouts":{"httpTotal":20}}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0","timeouts":{"httpTotal":20,"httpResponseHeaders":5}}}"#)
    }

    @Test func filesWithTheSamePathMergeInPlaceAndOthersAppend() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420},{"path":"/b"}]}}"#,
            #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/c"},{"path":"/a","overwrite":true}]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420,"overwrite":true},{"path":"/b"},{"path":"/c"}]}}"#)
    }

    @Test func aChildFileReplacesAParentDirectoryAtItsPath() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"storage":{"directories":[{"path":"/x"},{"path":"/y"}],"links":[{"path":"/z","target":"/y"}]}}"#,
            #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/x"},{"path":"/z"}]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"storage":{"directories":[{"path":"/y"}],"links":[],"files":[{"path":"/x"},{"path":"/z"}]}}"#)
    }

    @Test func unitsAndDropinsMergeByName() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"systemd":{"units":[{"name":"a.service","enabled":true,"dropins":[{"name":"1.conf","contents":"x"}]}]}}"#,
            #"{"ignition":{"version":"3.3.0"},"systemd":{"units":[{"name":"a.service","enabled":false,"dropins":[{"name":"1.conf","contents":"y"},{"name":"2.conf"}]}]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"systemd":{"units":[{"name":"a.service","enabled":false,"dropins":[{"name":"1.conf","contents":"y"},{"name":"2.conf"}]}]}}"#)
    }

    @Test func sshKeysOfTheSameUserAreASet() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["k1","k2"]}]}}"#,
            #"{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["k2","k3"]},{"name":"alice"}]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["k1","k2","k3"]},{"name":"alice"}]}}"#)
    }

    @Test func kernelArgumentsMoveBetweenShouldAndShouldNot() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"kernelArguments":{"shouldExist":["quiet","a"]}}"#,
            #"{"ignition":{"version":"3.3.0"},"kernelArguments":{"shouldNotExist":["quiet"]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"kernelArguments":{"shouldExist":["a"],"shouldNotExist":["quiet"]}}"#)
    }

    @Test func partitionsAreKeyedByNumberThenLabel() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"storage":{"disks":[{"device":"/dev/vdb","partitions":[{"number":1,"sizeMiB":10},{"label":"x"}]}]}}"#,
            #"{"ignition":{"version":"3.3.0"},"storage":{"disks":[{"device":"/dev/vdb","partitions":[{"number":1,"sizeMiB":20},{"label":"x","resize":true}]}]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"storage":{"disks":[{"device":"/dev/vdb","partitions":[{"number":1,"sizeMiB":20},{"label":"x","resize":true}]}]}}"#)
    }

    @Test func nullInTheChildLeavesTheParentsValue() throws {
        let result = try Self.merged(
            #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420}]}}"#,
            #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":null}]}}"#)
        #expect(result == #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420}]}}"#)
    }

    @Test func rendererMergesAppendedConfigsAndKeepsKilnsKey() throws {
        let test = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.1.0"},"storage":{"files":[{"path":"/a"}]}}"#, source: "t")
        let extra = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.2.0"},"storage":{"files":[{"path":"/b"}]}}"#, source: "e")
        let merged = test.merged(with: extra).addingSSHAuthorizedKeys(["ssh-ed25519 K"], forUser: "core")
        #expect(merged.rendered == #"{"ignition":{"version":"3.2.0"},"storage":{"files":[{"path":"/a"},{"path":"/b"}]},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["ssh-ed25519 K"]}]}}"#)
    }
}
