import Foundation
import HTTPTypes

/// Request ids: a client's `X-Request-ID` when it is safe to log and echo, else a fresh one.
public enum RequestID {
    /// Longest accepted incoming id.
    public static let maxLength = 128

    /// `candidate` when it is 1…128 characters of `A-Z a-z 0-9 . _ -`, else nil (anything else
    /// could forge log lines or headers, or blow up log volume).
    public static func sanitized(_ candidate: String?) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= maxLength else { return nil }
        let valid = candidate.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
        return valid ? candidate : nil
    }

    /// A new random id (a lower-case UUID).
    public static func generate() -> String {
        UUID().uuidString.lowercased()
    }

    /// The incoming id when valid, else a new one.
    public static func resolve(_ incoming: String?) -> String {
        sanitized(incoming) ?? generate()
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`: carried in both directions.
    public static var requestID: Self { Self("X-Request-ID")! }
}
