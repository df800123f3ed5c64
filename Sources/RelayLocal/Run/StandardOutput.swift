import Foundation

/// The run's banners and check results on standard output.
enum StandardOutput {
    /// Writes a line unbuffered, so it shows at once when piped (`make run | tee`). A closed
    /// standard output loses the line instead of stopping the run (`write(_:)` would trap).
    static func say(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }
}
