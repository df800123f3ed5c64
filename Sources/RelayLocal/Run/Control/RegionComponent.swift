/// One of the three things a local run starts per region, as `relay-local kill|restart|stop
/// --component` names them.
public enum RegionComponent: String, CaseIterable, Codable, Comparable, Sendable {
    /// The region's PostgreSQL cluster (its postmaster).
    case postgres
    /// `relay-gateway serve`.
    case gateway
    /// `relay-dr run`.
    case dr

    /// Start-up order: the gateway and relay-dr need the database, relay-dr ships what the
    /// gateway wrote. Stopping goes the other way.
    public static func < (a: RegionComponent, b: RegionComponent) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The components named by `--component` values (`postgres`, `gateway`, `dr`, `all`; none
    /// means all), in start-up order.
    public static func parse(_ names: [String]) throws(ProcessControlError) -> [RegionComponent] {
        var picked: Set<RegionComponent> = []
        for name in names {
            if name.lowercased() == "all" {
                picked.formUnion(allCases)
            } else if let component = RegionComponent(rawValue: name.lowercased()) {
                picked.insert(component)
            } else {
                throw .badComponent(name)
            }
        }
        return picked.isEmpty ? allCases : picked.sorted()
    }
}
