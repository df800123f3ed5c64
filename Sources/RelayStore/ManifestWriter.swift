import PostgresNIO
import RelayCore

/// Writes a policy decision: the manifest, its seal and its ledger record, in ONE transaction.
public struct ManifestWriter: Sendable {
    let database: Database

    /// Creates a writer on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Stores `manifest` with the decision recorded in `seal`. Throws `StoreError.duplicateManifest`
    /// when the manifest id was used before, `StoreError.regionNotActive` when the region is
    /// fenced or taken over; nothing is written then.
    public func record(_ manifest: Manifest, seal: Seal) async throws {
        let record = LedgerRecord.manifest(ManifestRecord(manifest, seal: seal), SealRecord(seal))
        return try await database.operation("record manifest \(manifest.id)") { conn in
            do {
                // One statement = one implicit transaction and one round trip: the manifest, its seal
                // and the ledger record commit together or not at all.
                try await record.execute(region: seal.payload.region, on: conn, logger: database.logger)
            } catch where error.sqlState == "23505" {
                throw StoreError.duplicateManifest(manifest.id)
            } catch let error where error.fenceRefusal != nil {
                throw error.fenceRefusal!
            }
        }
    }
}
