import KontorCore
import NIOCore
import PostgresNIO

/// `LocalDate` ⇄ PostgreSQL `date`: binary, days since 2000-01-01 as a 32-bit integer.
extension LocalDate: PostgresNonThrowingEncodable, PostgresDecodable,
    PostgresArrayEncodable, PostgresArrayDecodable
{
    /// Day number of 2000-01-01, PostgreSQL's date epoch.
    static let postgresEpoch = 10_957

    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }
    public static var psqlArrayType: PostgresDataType { .dateArray }

    public func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(Int32(dayNumber - Self.postgresEpoch))
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .date, format == .binary, buffer.readableBytes == 4, let days = buffer.readInteger(as: Int32.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        self.init(dayNumber: Int(days) + Self.postgresEpoch)
    }
}
