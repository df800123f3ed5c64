/// What one module under `Sources/` may depend on: Relay's own modules (`relay`) and everything
/// else (`external`; nil when not restricted). Checked against import lines and Package.swift.
struct ImportRule: Sendable {
    /// Which of Relay's own modules (the targets of Package.swift) a module may use.
    enum Relay: Sendable {
        /// These and no other.
        case only(Set<String>)
        /// Any but these.
        case never(Set<String>)

        /// Whether `module`, one of Relay's modules, is allowed.
        func allows(_ module: String) -> Bool {
            switch self {
            case .only(let allowed): allowed.contains(module)
            case .never(let forbidden): !forbidden.contains(module)
            }
        }
    }

    /// The rule for Relay's modules.
    var relay: Relay
    /// The other modules (or package products) allowed; nil allows any.
    var external: Set<String>? = nil

    /// Whether the module may depend on `module`; `ours` names Relay's own modules.
    func allows(_ module: String, ours: Set<String>) -> Bool {
        if ours.contains(module) { return relay.allows(module) }
        return external?.contains(module) ?? true
    }
}
