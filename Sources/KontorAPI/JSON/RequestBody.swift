import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// Reads a request body as one JSON object, with 400 for bytes that are not JSON and 413 for
/// bodies over the limit.
enum RequestBody {
    static func object(_ request: inout Request, context: KontorRequestContext) async throws -> (
        ObjectReader, [UInt8]
    ) {
        let (value, bytes) = try await self.value(&request, context: context)
        guard case .object(let object) = value else {
            throw Problem.badRequest("The request body must be a JSON object, not \(value.typeName).")
        }
        return (ObjectReader(object), bytes)
    }

    /// The body as any JSON value.
    static func value(_ request: inout Request, context: KontorRequestContext) async throws -> (JSONValue, [UInt8]) {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw Problem.badRequest("The request body must be a JSON object.") }
        if let parsed = context.parsedBody { return (parsed, bytes) }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw Problem.badRequest("The request body is not valid JSON.")
        }
        return (value, bytes)
    }

    /// The body as a JSON object, or an empty object when there is no body (for POSTs whose
    /// fields are all optional, like `/cancel`).
    static func optionalObject(_ request: inout Request, context: KontorRequestContext) async throws -> (
        ObjectReader, [UInt8]
    ) {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return (ObjectReader([:]), []) }
        return try await object(&request, context: context)
    }
}

/// Pulls typed fields out of a JSON object and collects every problem with a field name
/// (`address.country`), then refuses fields nobody asked for.
struct ObjectReader {
    private let object: [String: JSONValue]
    private let path: String
    private var consumed: Set<String> = []
    private(set) var errors: [FieldError] = []

    init(_ object: [String: JSONValue], path: String = "") {
        self.object = object
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// `nil`: absent; `.some(nil)`: JSON null; `.some(value)`: a string.
    mutating func string(_ key: String) -> String?? {
        consumed.insert(key)
        switch object[key] {
        case nil: return nil
        case .null?: return .some(nil)
        case .string(let value)?: return .some(value)
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be a string, not \(other.typeName)"))
            return nil
        }
    }

    /// A string that may not be null.
    mutating func requiredString(_ key: String) -> String? {
        switch string(key) {
        case .some(.some(let value)): return value
        case .some(.none):
            errors.append(FieldError(field: name(key), message: "must not be null"))
            return nil
        case .none: return nil
        }
    }

    mutating func bool(_ key: String) -> Bool? {
        consumed.insert(key)
        switch object[key] {
        case nil: return nil
        case .bool(let value)?: return value
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be a boolean, not \(other.typeName)"))
            return nil
        }
    }

    /// A nested object, read with its own reader whose errors are merged by `finish`.
    mutating func object(_ key: String, _ read: (inout ObjectReader) -> Void) {
        consumed.insert(key)
        switch object[key] {
        case nil, .null?: return
        case .object(let nested)?:
            var reader = ObjectReader(nested, path: name(key))
            read(&reader)
            reader.rejectUnknown()
            errors += reader.errors
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be an object, not \(other.typeName)"))
        }
    }

    /// An object of string values (metadata).
    mutating func stringMap(_ key: String) -> [String: String]? {
        consumed.insert(key)
        switch object[key] {
        case nil: return nil
        case .null?: return [:]
        case .object(let nested)?:
            var map: [String: String] = [:]
            for (k, v) in nested {
                guard case .string(let s) = v else {
                    errors.append(
                        FieldError(field: name("\(key).\(k)"), message: "must be a string, not \(v.typeName)"))
                    continue
                }
                map[k] = s
            }
            return map
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be an object, not \(other.typeName)"))
            return nil
        }
    }

    /// A list of strings.
    mutating func strings(_ key: String) -> [String]? {
        consumed.insert(key)
        switch object[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            var result: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    errors.append(
                        FieldError(field: name("\(key)[\(i)]"), message: "must be a string, not \(item.typeName)"))
                    continue
                }
                result.append(s)
            }
            return result
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be a list of strings, not \(other.typeName)"))
            return nil
        }
    }

    /// A whole number (JSON integer; `1.0` is accepted as 1, `1.5` is not).
    mutating func integer(_ key: String) -> Int64? {
        consumed.insert(key)
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let value)?: return value
        // JSON Schema counts 1.0 as an integer, and so do we; 1.5 is not one.
        case .number(let value)? where value.rounded() == value && abs(value) < 9.0e15:
            return Int64(value)
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be a whole number, not \(other.typeName)"))
            return nil
        }
    }

    /// An RFC 3339 instant (`2026-11-22T10:00:00Z`).
    mutating func instant(_ key: String) -> Date? {
        guard case .some(.some(let text)) = string(key) else { return nil }
        if let date = RFC3339.date(from: text) { return date }
        errors.append(FieldError(field: name(key), message: "must be an RFC 3339 instant, e.g. 2026-11-22T10:00:00Z"))
        return nil
    }

    /// A list of objects, each read with its own reader (`lines[2].amount`).
    mutating func objects(_ key: String, _ read: (inout ObjectReader) -> Void) -> Int? {
        consumed.insert(key)
        switch object[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                guard case .object(let nested) = item else {
                    errors.append(
                        FieldError(field: name("\(key)[\(i)]"), message: "must be an object, not \(item.typeName)"))
                    continue
                }
                var reader = ObjectReader(nested, path: name("\(key)[\(i)]"))
                read(&reader)
                reader.rejectUnknown()
                errors += reader.errors
            }
            return items.count
        case let other?:
            errors.append(FieldError(field: name(key), message: "must be a list, not \(other.typeName)"))
            return nil
        }
    }

    mutating func rejectUnknown() {
        for key in object.keys.sorted() where !consumed.contains(key) {
            errors.append(FieldError(field: name(key), message: "is not a known field"))
        }
    }

    /// Throws a 422 naming every bad field, if there is one.
    mutating func finish() throws {
        rejectUnknown()
        if !errors.isEmpty { throw Problem.invalid(errors) }
    }
}
