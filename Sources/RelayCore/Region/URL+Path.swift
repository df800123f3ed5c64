import Foundation

extension URL {
    /// This URL's text without trailing slashes, followed by `path` (`"/v1/status"`): region
    /// files may give `gateway_url` and `dr_url` with or without one.
    public func joined(path: String) -> String {
        var base = absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
