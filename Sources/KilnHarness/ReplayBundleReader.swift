import Foundation
public import KilnCore
import KilnPlatform

/// Reads a `replay.tar`: unpacks it into a private temporary directory and checks its manifest.
public enum ReplayBundleReader {
    /// A bundle unpacked: its files under `directory` until ``remove()``.
    public struct Unpacked: Sendable {
        public var directory: String
        public var manifest: ReplayManifest

        /// Removes the unpacked files.
        public func remove() {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Unpacks the bundle at `path` into a new private directory in `parent` (default: the
    /// temporary directory).
    /// - Throws: `ReplayError` naming the bundle and what is wrong with it; nothing is left
    ///   behind then.
    public static func unpack(_ path: String, in parent: String? = nil) async throws -> Unpacked {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ReplayError("\(path): no such file (a failed test's replay.tar)")
        }
        let parent = parent ?? NSTemporaryDirectory()
        var template = Array("\(parent.hasSuffix("/") ? parent : parent + "/")kiln-replay-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SystemError("mkdtemp for \(path)", errno: errno) }
        let directory = String(cString: created)
        do {
            // GNU tar refuses members with `..` and strips a leading `/`: the bundle stays inside.
            let tar = try await runHostCommand("tar", ["-xf", path, "-C", directory, "--no-same-owner", "--no-same-permissions"])
            guard tar.status == .exited(0) else {
                throw ReplayError("\(path): not a replay bundle: tar cannot read it (\(tar.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            }
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(ReplayBundle.manifestName)") else {
                throw ReplayError("\(path): not a replay bundle: it has no \(ReplayBundle.manifestName)")
            }
            let manifest: ReplayManifest
            do {
                manifest = try JSONDecoder().decode(ReplayManifest.self, from: data)
            } catch {
                throw ReplayError("\(path): \(ReplayBundle.manifestName) does not read as a replay manifest: \(error)")
            }
            guard manifest.format <= ReplayManifest.currentFormat else {
                throw ReplayError("\(path): bundle format \(manifest.format) is newer than this Kiln reads (\(ReplayManifest.currentFormat)); use a newer Kiln")
            }
            for appended in manifest.appendedConfigs where !FileManager.default.fileExists(atPath: "\(directory)/\(appended.file)") {
                throw ReplayError("\(path): \(ReplayBundle.manifestName) names \(appended.file) (from \(appended.source)), which the bundle lacks")
            }
            if let project = manifest.externalProject, !FileManager.default.fileExists(atPath: "\(directory)/external/\(project)") {
                throw ReplayError("\(path): the test is external (project \(project)) but the bundle lacks external/\(project)")
            }
            return Unpacked(directory: directory, manifest: manifest)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }
}
