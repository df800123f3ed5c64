/// One target of Package.swift as written (`.target`, `.executableTarget`, `.testTarget`): its
/// name and dependencies, read as text so the check needs no SwiftPM at test time.
struct PackageTarget: Sendable, Equatable {
    /// `target`, `executableTarget` or `testTarget`.
    var kind: String
    /// The target's name.
    var name: String
    /// Targets of this package it depends on (`"RelayCore"`, `.target(name:)`, `.byName(name:)`).
    var targets: [String]
    /// Products of other packages it depends on (`.product(name: "Crypto", …)`).
    var products: [String]

    /// Every target declared in `manifest`, the text of a Package.swift, in order.
    static func parse(manifest: String) -> [PackageTarget] {
        let text = Array(SwiftText.withoutComments(manifest))
        let declaration = #/\.(target|executableTarget|testTarget)\(/#
        var found: [PackageTarget] = []
        var position = 0
        // A match nested in a declaration (a `.target(name:)` dependency) lies before `position`.
        while let match = String(text[position...]).firstMatch(of: declaration) {
            let matchText = String(text[position...])
            let open = position + matchText.distance(from: matchText.startIndex, to: match.range.upperBound) - 1
            let close = SwiftText.closing(text, from: open)
            let arguments = String(text[(open + 1)..<close])
            if let name = arguments.firstMatch(of: #/name:\s*"([^"]*)"/#) {
                let (targets, products) = dependencies(in: arguments)
                found.append(PackageTarget(kind: String(match.1), name: String(name.1), targets: targets, products: products))
            }
            position = close + 1
        }
        return found
    }

    /// The names in the `dependencies: [ … ]` argument of one declaration.
    private static func dependencies(in arguments: String) -> (targets: [String], products: [String]) {
        guard let label = arguments.firstMatch(of: #/dependencies:\s*\[/#) else { return ([], []) }
        let text = Array(arguments)
        let open = arguments.distance(from: arguments.startIndex, to: label.range.upperBound) - 1
        let close = SwiftText.closing(text, from: open)
        var targets: [String] = []
        var products: [String] = []
        for item in SwiftText.topLevelItems(String(text[(open + 1)..<close])) {
            if item.hasPrefix(".product("), let name = item.firstMatch(of: #/name:\s*"([^"]*)"/#) {
                products.append(String(name.1))
            } else if item.hasPrefix(".target(") || item.hasPrefix(".byName("),
                let name = item.firstMatch(of: #/name:\s*"([^"]*)"/#)
            {
                targets.append(String(name.1))
            } else if let literal = item.wholeMatch(of: #/"([^"]*)"/#) {
                targets.append(String(literal.1))
            }
        }
        return (targets, products)
    }
}
