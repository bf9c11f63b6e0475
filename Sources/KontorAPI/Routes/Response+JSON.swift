import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
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

    /// The answer of an idempotent POST: the stored status and bytes, marked when replayed.
    static func stored(_ stored: StoredResponse, replayed: Bool) -> Response {
        var response = json(stored.body, status: .init(code: stored.status))
        if replayed { response.headers[.init("Idempotent-Replayed")!] = "true" }
        return response
    }
}
