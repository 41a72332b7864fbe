extension String {
    /// True when the text holds CR, LF or NUL: bytes that would end a header or an SMTP command.
    /// (Checked on bytes: `"\r\n"` is a single `Character`, which `== "\r"` does not match.)
    package var containsLineBreakOrNUL: Bool {
        utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 }
    }
}
