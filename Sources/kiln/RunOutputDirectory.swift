import Foundation

/// A run's output directory: where it goes by default, that it is new, and `latest` beside it.
enum RunOutputDirectory {
    /// Kiln never deletes a directory: an output directory that exists must be empty.
    static func check(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw InputError("--output-dir \(path) exists and is not a directory") }
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: path), !contents.isEmpty {
            throw InputError("--output-dir \(path) exists and is not empty; Kiln does not delete or mix runs (choose a new directory)")
        }
    }

    /// `_kiln/<prefix>-<time>-<pid>`.
    static func defaultPath(prefix: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "_kiln/\(prefix)-\(formatter.string(from: Date()))-\(getpid())"
    }

    /// Points `<parent>/latest` at the run's directory.
    static func linkLatest(_ directory: String) {
        let parent = (directory as NSString).deletingLastPathComponent
        let latest = "\(parent.isEmpty ? "." : parent)/latest"
        if let existing = try? FileManager.default.destinationOfSymbolicLink(atPath: latest), !existing.isEmpty {
            try? FileManager.default.removeItem(atPath: latest)
        }
        try? FileManager.default.createSymbolicLink(atPath: latest, withDestinationPath: (directory as NSString).lastPathComponent)
    }
}
