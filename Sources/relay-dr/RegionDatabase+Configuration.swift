import Foundation
import RelayCore
import RelayStore

extension RegionDatabase {
    /// The pool settings of a region file's `database:` (for `verify --via-db`): variables and the
    /// password file are read now; a password is never printed. TLS as the file's `tls` says,
    /// `verify-full` against `RELAY_DB_TLS_CA` (the daemons' variable) when it is set.
    func configuration(region: String, environment: [String: String]) throws -> DatabaseConfiguration {
        guard let host = host.resolve(in: environment) else {
            throw ConfigurationError(setting: "database.host", reason: "region \(region): the host's variable is not set")
        }
        var password: String?
        switch self.password {
        case .environment(let name)?:
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigurationError(setting: name, reason: "region \(region): the database password variable is not set")
            }
            password = value
        case .file(let path)?:
            do { password = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) } catch {
                throw ConfigurationError(setting: "database.password_file", reason: "region \(region): cannot read \(path): \(error.localizedDescription)")
            }
        case nil:
            password = nil
        }
        var config = DatabaseConfiguration(
            host: host, port: port, database: name, username: user.resolve(in: environment) ?? "relay", password: password, maxConnections: 2,
            tls: tls, tlsCAFile: environment["RELAY_DB_TLS_CA"].flatMap { $0.isEmpty ? nil : $0 })
        config.applicationName = "relay-dr verify"
        return config
    }
}
