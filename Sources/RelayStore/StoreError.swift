/// Failures the store reports in domain terms; everything else is an unexpected database error.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A manifest with this id already exists (409).
    case duplicateManifest(String)
    /// A migration file on disk no longer matches what was applied.
    case migrationChanged(version: Int, name: String)
    /// The migration resources could not be read.
    case migrationsUnavailable(String)
    /// Stored data could not be decoded (a row edited by hand, usually).
    case corruptRow(String)
    /// The region is fenced or taken over: its database refuses its new manifests, seals and
    /// executions (SQLSTATE RL001, migration 0006). Carries the database's message.
    case regionNotActive(String)
    /// Not a region id (`[a-z0-9-]`, at most 40 characters).
    case invalidRegion(String)

    public var description: String {
        switch self {
        case .duplicateManifest(let id): "manifest \(id) already exists"
        case .migrationChanged(let v, let name):
            "migration \(v) (\(name)) differs from the one applied to this database; never edit an applied migration, add a new one"
        case .migrationsUnavailable(let why): "cannot read migrations: \(why)"
        case .corruptRow(let why): "corrupt row: \(why)"
        case .regionNotActive(let message): message
        case .invalidRegion(let id): "'\(id)' is not a region id ([a-z0-9-], at most 40 characters)"
        }
    }
}
