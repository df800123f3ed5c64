/// Why a timestamp string was rejected.
public struct TimestampParseError: Error, Sendable, CustomStringConvertible {
    /// Human-readable reason, used in 422 field errors.
    public let reason: String
    public var description: String { reason }
}

extension Timestamp {
    /// ISO 8601 UTC with exactly six fractional digits and `Z`, e.g. `2026-11-27T02:53:41.123456Z`.
    /// Fixed width so the signed bytes never depend on how many trailing zeros a value has.
    public var iso8601: String {
        let perDay: Int64 = 86_400_000_000
        var days = microseconds / perDay
        var rest = microseconds % perDay
        if rest < 0 {
            rest += perDay
            days -= 1
        }
        let (y, m, d) = Self.civil(fromDays: days)
        let secondsOfDay = rest / 1_000_000
        let micros = rest % 1_000_000
        guard (0...9999).contains(y) else {
            return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondsOfDay / 3600, 2)):"
                + "\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2)).\(pad(micros, 6))Z"
        }
        // Fixed width, written digit by digit: every ledger hash formats one (a million per audit).
        return String(unsafeUninitializedCapacity: 27) { out in
            func put(_ value: Int64, _ width: Int, at position: Int) {
                var v = value
                for k in stride(from: position + width - 1, through: position, by: -1) {
                    out[k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(Int64(y), 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(Int64(m), 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(Int64(d), 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(secondsOfDay / 3600, 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(secondsOfDay / 60 % 60, 2, at: 14)
            out[16] = UInt8(ascii: ":")
            put(secondsOfDay % 60, 2, at: 17)
            out[19] = UInt8(ascii: ".")
            put(micros, 6, at: 20)
            out[26] = UInt8(ascii: "Z")
            return 27
        }
    }

    /// Parses ISO 8601 / RFC 3339 date-times as clients send them: `T` (or a space) between date
    /// and time, up to six fractional digits, and an optional `Z` or `±HH:MM` offset. No offset
    /// means UTC, because Python clients send naive `datetime.utcnow()` values.
    public init(iso8601 text: String) throws(TimestampParseError) {
        var s = Scanner(Array(text.utf8))
        func fail(_ why: String) -> TimestampParseError {
            TimestampParseError(reason: "invalid datetime '\(text.prefix(64))': \(why)")
        }
        guard let year = s.digits(4), s.take(UInt8(ascii: "-")), let month = s.digits(2),
            s.take(UInt8(ascii: "-")), let day = s.digits(2)
        else { throw fail("expected YYYY-MM-DD") }
        guard s.take(UInt8(ascii: "T")) || s.take(UInt8(ascii: "t")) || s.take(UInt8(ascii: " ")) else {
            throw fail("expected 'T' between date and time")
        }
        guard let hour = s.digits(2), s.take(UInt8(ascii: ":")), let minute = s.digits(2),
            s.take(UInt8(ascii: ":")), let second = s.digits(2)
        else { throw fail("expected HH:MM:SS") }
        var micros: Int64 = 0
        if s.take(UInt8(ascii: ".")) {
            var count = 0
            while let d = s.digit() {
                count += 1
                guard count <= 6 else { throw fail("more than 6 fractional digits") }
                micros = micros * 10 + Int64(d)
            }
            guard count > 0 else { throw fail("empty fraction") }
            for _ in count..<6 { micros *= 10 }
        }
        var offsetMinutes: Int64 = 0
        if s.take(UInt8(ascii: "Z")) || s.take(UInt8(ascii: "z")) {
        } else if let sign = s.sign() {
            guard let oh = s.digits(2) else { throw fail("bad UTC offset") }
            _ = s.take(UInt8(ascii: ":"))
            guard let om = s.digits(2), oh < 24, om < 60 else { throw fail("bad UTC offset") }
            offsetMinutes = sign * Int64(oh * 60 + om)
        }
        guard s.atEnd else { throw fail("unexpected trailing characters") }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
            throw fail("no such date")
        }
        guard hour < 24, minute < 60, second < 60 else { throw fail("no such time") }
        let days = Self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetMinutes * 60
        self.init(microseconds: seconds * 1_000_000 + micros)
    }

    /// True when `text` is exactly what `iso8601` writes for the time it denotes (hashing the text
    /// is then hashing that time): `YYYY-MM-DDTHH:MM:SS.ffffffZ` naming a real date and time.
    static func isCanonical(iso8601 text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == 27 else { return false }
        func number(_ start: Int, _ width: Int) -> Int? {
            var n = 0
            for k in start..<(start + width) {
                let digit = text[k] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                n = n * 10 + Int(digit)
            }
            return n
        }
        func at(_ k: Int, _ c: Unicode.Scalar) -> Bool { text[k] == UInt8(ascii: c) }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2), at(10, "T"),
            let hour = number(11, 2), at(13, ":"), let minute = number(14, 2), at(16, ":"), let second = number(17, 2),
            at(19, "."), number(20, 6) != nil, at(26, "Z")
        else { return false }
        return (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year) && hour < 24 && minute < 60
            && second < 60
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Byte cursor for the timestamp grammar.
private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int? {
        guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
        defer { index += 1 }
        return Int(bytes[index] - 48)
    }

    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let d = digit() else { return nil }
            value = value * 10 + d
        }
        return value
    }

    mutating func sign() -> Int64? {
        if take(UInt8(ascii: "+")) { return 1 }
        if take(UInt8(ascii: "-")) { return -1 }
        return nil
    }
}
