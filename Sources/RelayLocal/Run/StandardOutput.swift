import Foundation

/// The run's banners and check results on standard output.
enum StandardOutput {
    /// Writes a line unbuffered, so it shows at once when piped (`make run | tee`).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
