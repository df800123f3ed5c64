import Yams

/// A YAML mapping with literal string keys, in document order (see ``YAMLReader/mapping(_:path:)``).
public struct YAMLMapping {
    /// The entries: key text, the key's node (for its line) and the value.
    public var pairs: [(key: String, keyNode: Node, value: Node)]
    /// The mapping node itself (for the line of "missing key" errors).
    public var node: Node

    /// Creates a mapping view.
    public init(pairs: [(key: String, keyNode: Node, value: Node)], node: Node) {
        self.pairs = pairs
        self.node = node
    }

    /// The value of `key`, nil when absent.
    public func value(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    /// The keys present, in document order.
    public var keys: [String] { pairs.map(\.key) }
}
