import PostgresNIO

/// A database operation that failed, described for an operator: what Relay was doing, the
/// SQLSTATE and the server's message, or what happened to the connection. postgres-nio's own
/// description hides all of it; its debug description includes the statement's bound values,
/// which must never reach a log. This carries neither the statement nor its values.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What the operation was for ("apply a batch from r1", "chain step").
    public let purpose: String
    /// postgres-nio's error code (`server`, `connectionError`, `serverClosedConnection`, …).
    public let code: String
    /// The SQLSTATE, when the server answered with an error.
    public let sqlState: String?
    /// The server's primary message (no detail: it can quote row values).
    public let message: String?
    /// What the connection reported (refused, reset, closed), when that is the cause.
    public let cause: String?

    /// Describes `error` if it is one of postgres-nio's; nil for anything else (kept as thrown).
    init?(purpose: String, _ error: any Error) {
        if let e = error as? PSQLError {
            self.purpose = purpose
            code = "\(e.code)"
            sqlState = e.serverInfo?[.sqlState]
            message = e.serverInfo?[.message].map(Self.withoutQuotedValue)
            cause = e.underlying.map(Self.causeText)
        } else if let e = error as? ClosedConnectionGuard.ConnectionClosed {
            self.purpose = purpose
            code = "connectionClosed"
            sqlState = nil
            message = nil
            cause = e.description
        } else if let e = error as? PostgresDecodingError {
            self.purpose = purpose
            code = "decoding"
            sqlState = nil
            message = "column \(e.columnName) (\(e.postgresType)) cannot be read as \(e.targetType): \(e.code)"
            cause = nil
        } else {
            return nil
        }
    }

    /// What lies under a connection error: another postgres-nio error is described like this one
    /// (its own description hides everything), anything else as it describes itself.
    static func causeText(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return String(describing: error) }
        var parts = ["\(e.code)"]
        if let state = e.serverInfo?[.sqlState] { parts.append("SQLSTATE \(state)") }
        if let message = e.serverInfo?[.message] { parts.append(withoutQuotedValue(message)) }
        if let underlying = e.underlying { parts.append(causeText(underlying)) }
        return parts.joined(separator: ": ")
    }

    /// PostgreSQL quotes the offending input at the end of some messages (`invalid input syntax
    /// for type integer: "…"`); that input is a bound value, so it is withheld.
    static func withoutQuotedValue(_ message: String) -> String {
        guard message.hasSuffix("\""), let start = message.range(of: ": \"") else { return message }
        return message[..<start.lowerBound] + ": (value withheld)"
    }

    public var description: String {
        var parts = [purpose + " failed", code]
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        if let message { parts.append(message) }
        if let cause { parts.append(cause) }
        return parts.joined(separator: ": ")
    }

    /// How to log any error: a database failure through this type (never its statement or bound
    /// values), anything else with its debug description.
    public static func logText(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.description }
        if let e = DatabaseError(purpose: "database operation", error) { return e.description }
        return String(reflecting: error)
    }

    /// True when the server never answered (unreachable, connection lost): a 503, not a bug.
    public var isUnavailable: Bool { sqlState == nil && code != "decoding" }
}
