/// The percent-encoding of `grpc-message`: UTF-8, with every byte outside 0x20...0x7E and `%`
/// itself written as `%XX`. Decoding never fails: a malformed escape is kept as is.
enum StatusMessage {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// The longest encoded message sent. Clients bound a response's metadata (gRPC's default:
    /// 8 KiB), and a header block nghttp2 cannot send at all (64 KiB) would leave the call
    /// without a status; a message that repeats what the caller sent can be as long as that.
    static let maximumEncodedLength = 2048

    /// `message` encoded; one whose encoding is longer than ``maximumEncodedLength`` is cut at a
    /// character boundary and says how long it was.
    static func encode(_ message: String) -> String {
        let length = message.utf8.count
        var out = [UInt8]()
        out.reserveCapacity(min(length, maximumEncodedLength))
        if appendEncoded(message.unicodeScalars, to: &out, limit: maximumEncodedLength) { return String(decoding: out, as: UTF8.self) }
        let note = "... (cut from a message of \(length) bytes)"
        out.removeAll(keepingCapacity: true)
        appendEncoded(message.unicodeScalars, to: &out, limit: maximumEncodedLength - note.utf8.count)
        out.append(contentsOf: note.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of whole scalars while it fits in `limit` bytes; false when some did not fit.
    @discardableResult
    private static func appendEncoded(_ scalars: String.UnicodeScalarView, to out: inout [UInt8], limit: Int) -> Bool {
        for scalar in scalars {
            let encodedCount = scalar.utf8.reduce(0) { $0 + (isPlain($1) ? 1 : 3) }
            guard out.count + encodedCount <= limit else { return false }
            for byte in scalar.utf8 {
                if isPlain(byte) {
                    out.append(byte)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
        }
        return true
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%")
    }

    static func decode(_ encoded: some Collection<UInt8>) -> String {
        let bytes = Array(encoded)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
