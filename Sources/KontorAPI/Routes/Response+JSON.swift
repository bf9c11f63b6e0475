import Foundation
import HTTPTypes
import Hummingbird
import KontorEngine

extension Response {
    /// A JSON answer with the bytes exactly as given (idempotent replays send stored bytes).
    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(try KontorJSON.encode(value), status: status)
    }
}
