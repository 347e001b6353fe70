import PolicySupport

/// Reads the plain YAML a facts file is written in straight into `YAMLNode`s, without libyaml: block
/// mappings and lists, flow `{…}` and `[…]` (over several lines too), plain scalars on one line,
/// double-quoted scalars without escapes, and comments. libyaml's scanner and parser were half of the
/// time a served case spent being read, and a facts file uses nothing more.
///
/// Like `DirectComposer`, it answers only when it is sure to give the tree libyaml (through Yams) gives,
/// node for node and span for span; on anything else it returns nil and `YAMLLoader` takes the next
/// path. It refuses, rather than reads: a tab, a carriage return, a character libyaml would not read
/// the same way (outside printable ASCII and the Basic Multilingual Plane, a line or paragraph
/// separator, a byte order mark); a document marker, directive, anchor, alias, tag, block scalar,
/// single-quoted scalar, explicit key or an escape; a plain scalar that starts with an indicator, has a
/// `:` or `?` inside or would run on to the next line; an empty value; a key that is not a scalar, that
/// is written twice, or that is long; a mapping of more than 64 keys; flow entries that do not take the
/// simple `key: value` form; and nesting deeper than `DirectComposer.maximumDepth`. `PlainYAMLReaderTests` compares its trees with
/// the composer's on every file of the repository and on mutations of them.
enum PlainYAMLReader {
  static func read(_ text: String, file: String) -> YAMLNode? {
    var text = text
    return text.withUTF8 { bytes in
      guard let base = bytes.baseAddress, acceptsCharacters(bytes) else { return nil }
      var reader = Reader(bytes: UnsafeBufferPointer(start: base, count: bytes.count), file: file)
      return reader.document()
    }
  }

  /// Whether every character is one this reader reads as libyaml does: printable ASCII, line feeds,
  /// and Unicode scalars from U+00A0 to U+FFFD other than surrogates, U+2028, U+2029 and U+FEFF.
  static func acceptsCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let n = bytes.count
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    while i < n {
      // Eight printable ASCII bytes at a time (none below 0x20, none above 0x7E).
      if i + 8 <= n {
        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let below = (x &- ones &* 0x20) & ~x & highs
        let above = ((x &+ ones &* (127 - 0x7E)) | x) & highs
        if below | above == 0 {
          i += 8
          continue
        }
      }
      let b = bytes[i]
      if b < 0x80 {
        guard b == 0x0A || (b >= 0x20 && b < 0x7F) else { return false }
        i += 1
        continue
      }
      // Two or three bytes (Swift strings are valid UTF-8, so the sequence is complete).
      var scalar: UInt32
      if b & 0xE0 == 0xC0 {
        guard i + 1 < n else { return false }
        scalar = UInt32(b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
        i += 2
      } else if b & 0xF0 == 0xE0 {
        guard i + 2 < n else { return false }
        scalar = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        i += 3
      } else {
        return false
      }
      guard scalar >= 0xA0, scalar <= 0xFFFD, scalar != 0x2028, scalar != 0x2029, scalar != 0xFEFF,
        !(0xD800...0xDFFF).contains(scalar)
      else { return false }
    }
    return true
  }

  /// Raised (as nil) for anything the reader does not read.
  private struct Refused: Error {}

  private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    var i = 0
    /// The 1-based line of `i`, and the offset where that line starts.
    var line = 1
    var lineStart = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
      self.bytes = bytes
      self.file = file
    }

    mutating func document() -> YAMLNode? {
      do {
        guard let indent = try nextContentLine() else { return nil }
        // A document marker or directive at the start of a line.
        if indent == 0, peek(0) == UInt8(ascii: "%") || startsMarker() { return nil }
        let root = try blockNode(indent: indent, parent: -1)
        guard try nextContentLine() == nil else { return nil }
        return root
      } catch {
        return nil
      }
    }

    // MARK: characters

    @inline(__always) func peek(_ k: Int) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }
    @inline(__always) func isBlankOrEnd(_ k: Int) -> Bool {
      guard let b = peek(k) else { return true }
      return b == 0x20 || b == 0x0A
    }
    /// The last column worked out (`counted` of the byte at `countedTo`), so a line is counted once.
    var countedTo = 0, counted = 1

    /// The 1-based column of `at` (on the current line, at or after the last asked), in Unicode
    /// scalars as libyaml counts them.
    mutating func column(_ at: Int) -> Int {
      if countedTo < lineStart || countedTo > at { (countedTo, counted) = (lineStart, 1) }
      for k in countedTo..<at where bytes[k] & 0xC0 != 0x80 { counted += 1 }
      countedTo = at
      return counted
    }
    func scalars(_ from: Int, _ to: Int) -> Int {
      var count = 0
      for k in from..<to where bytes[k] & 0xC0 != 0x80 { count += 1 }
      return count
    }
    func startsMarker() -> Bool {
      guard i + 3 <= bytes.count else { return false }
      let (a, b, c) = (bytes[i], bytes[i + 1], bytes[i + 2])
      return (a == b && b == c && (a == UInt8(ascii: "-") || a == UInt8(ascii: "."))) && isBlankOrEnd(3)
    }
    mutating func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 { i += 1 } }
    mutating func newLine() {
      i += 1
      line += 1
      lineStart = i
    }

    /// Skips blank and comment lines from the start of a line (or from the end of the one before);
    /// the indentation of the next line with content, or nil at the end of the text.
    mutating func nextContentLine() throws -> Int? {
      while true {
        skipSpaces()
        guard let b = peek(0) else { return nil }
        if b == 0x0A {
          newLine()
          continue
        }
        if b == UInt8(ascii: "#") {
          // A comment that does not start a line must follow a space.
          guard i == lineStart || bytes[i - 1] == 0x20 else { throw Refused() }
          while let c = peek(0), c != 0x0A { i += 1 }
          continue
        }
        return i - lineStart
      }
    }

    /// After a value on its line: only spaces and a comment may follow.
    mutating func endOfLine() throws {
      skipSpaces()
      guard let b = peek(0) else { return }
      if b == 0x0A { return }
      guard b == UInt8(ascii: "#"), bytes[i - 1] == 0x20 else { throw Refused() }
    }

    // MARK: block nodes

    /// The node starting at `i` (the first content of a line, at column `indent`), in a block whose
    /// indentation is `parent`.
    mutating func blockNode(indent: Int, parent: Int) throws -> YAMLNode {
      guard indent > parent else { throw Refused() }
      if peek(0) == UInt8(ascii: "-"), isBlankOrEnd(1) { return try blockSequence(indent: indent) }
      if try startsKey() { return try blockMapping(indent: indent) }
      // A lone flow collection or scalar as a block node (a document that is one `{…}`).
      let node = try inlineNode(block: parent)
      try endOfLine()
      return node
    }

    /// Whether a `key:` starts at `i` (looked at without moving).
    func startsKey() throws -> Bool {
      var probe = self
      guard let b = probe.peek(0), b != UInt8(ascii: "{"), b != UInt8(ascii: "[") else { return false }
      _ = try probe.scalar(flow: false)
      return probe.peek(0) == UInt8(ascii: ":") && probe.isBlankOrEnd(1)
    }

    mutating func enter() throws {
      depth += 1
      guard depth < DirectComposer.maximumDepth else { throw Refused() }
    }

    mutating func blockSequence(indent: Int) throws -> YAMLNode {
      try enter()
      defer { depth -= 1 }
      let span = SourceSpan(file: file, line: line, column: column(i))
      var items: [YAMLNode] = []
      while true {
        // At `- ` at column `indent`.
        i += 1
        skipSpaces()
        if peek(0) == nil || peek(0) == 0x0A || peek(0) == UInt8(ascii: "#") {
          // The entry's node starts on a later line, indented more (an empty entry is refused).
          guard let next = try nextContentLine(), next > indent else { throw Refused() }
          items.append(try blockNode(indent: next, parent: indent))
        } else if peek(0) == UInt8(ascii: "-"), isBlankOrEnd(1) {
          throw Refused()  // `- - a`
        } else if try startsKey() {
          // `- key: value`: a mapping whose keys are at this column (after spaces and `- `, so bytes count columns).
          items.append(try blockMapping(indent: i - lineStart))
        } else {
          items.append(try inlineNode(block: indent))
          try endOfLine()
        }
        // The next entry at this column; anything indented more is refused, anything else ends the list.
        guard let next = try nextContentLine() else { break }
        if next > indent { throw Refused() }
        guard next == indent, atEntry(indent) else { break }
      }
      return YAMLNode(kind: .sequence(items), span: span)
    }

    /// Whether `i` is at `- ` at column `indent`.
    func atEntry(_ indent: Int) -> Bool {
      i - lineStart == indent && peek(0) == UInt8(ascii: "-") && isBlankOrEnd(1)
    }

    mutating func blockMapping(indent: Int) throws -> YAMLNode {
      try enter()
      defer { depth -= 1 }
      let span = SourceSpan(file: file, line: line, column: column(i))
      var pairs: [(key: Located<String>, value: YAMLNode)] = []
      let firstKey = keyPrints.count
      defer { keyPrints.removeSubrange(firstKey...) }
      while true {
        // At a key, at column `indent`.
        let keyNode = try scalar(flow: false)
        guard peek(0) == UInt8(ascii: ":"), isBlankOrEnd(1), case .scalar(let keyText, _) = keyNode.kind,
          keyText.utf8.count <= 1000
        else { throw Refused() }
        try newKey(since: firstKey)
        let key = Located(keyText, at: keyNode.span)
        i += 1
        skipSpaces()
        if peek(0) == nil || peek(0) == 0x0A || peek(0) == UInt8(ascii: "#") {
          // The value starts on a later line: indented more, or a list at the key's own column.
          guard let next = try nextContentLine() else { throw Refused() }
          if next > indent {
            pairs.append((key, try blockNode(indent: next, parent: indent)))
          } else if next == indent, atEntry(indent) {
            pairs.append((key, try blockSequence(indent: indent)))
          } else {
            throw Refused()  // an empty value
          }
        } else {
          pairs.append((key, try inlineNode(block: indent)))
          try endOfLine()
        }
        // The next key at this column (a plain scalar running on, or anything else indented more, is
        // refused); a line indented less, or a `- ` here, ends the mapping.
        guard let next = try nextContentLine() else { break }
        if next > indent { throw Refused() }
        guard next == indent, !atEntry(indent) else { break }
      }
      return YAMLNode(kind: .mapping(pairs), span: span)
    }

    // MARK: inline nodes

    /// A flow collection or a scalar on this line, in a block at `block` (or in a flow collection).
    mutating func inlineNode(block: Int) throws -> YAMLNode {
      switch peek(0) {
      case UInt8(ascii: "{"): return try flowMapping(block: block)
      case UInt8(ascii: "["): return try flowSequence(block: block)
      default: return try scalar(flow: false)
      }
    }

    /// Skips spaces, line breaks and comments inside a flow collection; a line that continues it must
    /// be indented more than the block around it.
    mutating func skipFlowSpace(block: Int) throws {
      while true {
        skipSpaces()
        guard let b = peek(0) else { throw Refused() }
        if b == 0x0A {
          newLine()
          skipSpaces()
          if peek(0) != 0x0A, peek(0) != nil, i - lineStart <= block { throw Refused() }
          continue
        }
        if b == UInt8(ascii: "#") {
          guard bytes[i - 1] == 0x20 || i == lineStart else { throw Refused() }
          while let c = peek(0), c != 0x0A { i += 1 }
          continue
        }
        return
      }
    }

    mutating func flowNode(block: Int) throws -> YAMLNode {
      switch peek(0) {
      case UInt8(ascii: "{"): return try flowMapping(block: block)
      case UInt8(ascii: "["): return try flowSequence(block: block)
      default: return try scalar(flow: true)
      }
    }

    mutating func flowSequence(block: Int) throws -> YAMLNode {
      try enter()
      defer { depth -= 1 }
      let span = SourceSpan(file: file, line: line, column: column(i))
      var items: [YAMLNode] = []
      i += 1
      try skipFlowSpace(block: block)
      if peek(0) == UInt8(ascii: "]") {
        i += 1
        return YAMLNode(kind: .sequence(items), span: span)
      }
      while true {
        items.append(try flowNode(block: block))
        try skipFlowSpace(block: block)
        if peek(0) == UInt8(ascii: "]") {
          i += 1
          return YAMLNode(kind: .sequence(items), span: span)
        }
        guard peek(0) == UInt8(ascii: ",") else { throw Refused() }
        i += 1
        try skipFlowSpace(block: block)
        // A trailing comma, or an entry that is a `key: value` pair, is refused.
        guard peek(0) != UInt8(ascii: "]") else { throw Refused() }
      }
    }

    mutating func flowMapping(block: Int) throws -> YAMLNode {
      try enter()
      defer { depth -= 1 }
      let span = SourceSpan(file: file, line: line, column: column(i))
      var pairs: [(key: Located<String>, value: YAMLNode)] = []
      let firstKey = keyPrints.count
      defer { keyPrints.removeSubrange(firstKey...) }
      i += 1
      try skipFlowSpace(block: block)
      if peek(0) == UInt8(ascii: "}") {
        i += 1
        return YAMLNode(kind: .mapping(pairs), span: span)
      }
      while true {
        let keyNode = try scalar(flow: true)
        guard case .scalar(let keyText, let plain) = keyNode.kind, keyText.utf8.count <= 1000, peek(0) == UInt8(ascii: ":")
        else { throw Refused() }
        try newKey(since: firstKey)
        // After a plain key the `:` is followed by a space (else it is inside the scalar); after a
        // quoted one it may touch the value, as in JSON.
        guard !plain || isBlankOrEnd(1) else { throw Refused() }
        i += 1
        try skipFlowSpace(block: block)
        guard let b = peek(0), b != UInt8(ascii: ","), b != UInt8(ascii: "}") else { throw Refused() }  // an empty value
        pairs.append((Located(keyText, at: keyNode.span), try flowNode(block: block)))
        try skipFlowSpace(block: block)
        if peek(0) == UInt8(ascii: "}") {
          i += 1
          return YAMLNode(kind: .mapping(pairs), span: span)
        }
        guard peek(0) == UInt8(ascii: ",") else { throw Refused() }
        i += 1
        try skipFlowSpace(block: block)
        guard peek(0) != UInt8(ascii: "}") else { throw Refused() }
      }
    }

    // MARK: scalars

    /// A plain or double-quoted scalar on this line.
    mutating func scalar(flow: Bool) throws -> YAMLNode {
      guard let first = peek(0) else { throw Refused() }
      let start = i
      let span = (line: line, column: column(i))
      if first == UInt8(ascii: "\"") {
        i += 1
        let from = i
        while true {
          guard let b = peek(0), b != 0x0A, b != UInt8(ascii: "\\") else { throw Refused() }
          if b == UInt8(ascii: "\"") { break }
          i += 1
        }
        let text = UnsafeBufferPointer(rebasing: bytes[from..<i])
        lastScalar = from..<i
        i += 1
        let value = text.isEmpty ? "" : String(decoding: text, as: UTF8.self)
        return YAMLNode(kind: .scalar(value, plain: false),
                        span: SourceSpan(file: file, line: span.line, column: span.column, length: scalars(from, i - 1) + 2),
                        contentOffset: 1)
      }
      // A plain scalar may not start with an indicator (`-5` and `:x` included: refused, not read), nor
      // be a document marker.
      if Self.isIndicator(first) || (i == lineStart && startsMarker()) { throw Refused() }
      var end = i  // after the last character that is not a space
      while let b = peek(0) {
        // Letters, digits, `_`, `.`, `-` and any byte of a multi-byte character: part of the scalar.
        if b >= 0x80 || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2E || b == 0x2D {
          i += 1
          end = i
          continue
        }
        if b == 0x0A { break }
        if b == 0x20 {
          i += 1
          continue
        }
        if b == UInt8(ascii: "#"), bytes[i - 1] == 0x20 { break }
        if b == UInt8(ascii: ":") {
          if isBlankOrEnd(1) { break }
          throw Refused()  // a `:` inside a scalar (a time, a URL): libyaml versions differ on it in flow
        }
        if flow {
          if b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") { break }
          if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") || b == UInt8(ascii: "?") { throw Refused() }
        }
        i += 1
        end = i
      }
      i = end
      if flow {
        // A plain scalar runs on to the next line unless what follows ends it there.
        var k = i
        while k < bytes.count, bytes[k] == 0x20 { k += 1 }
        if k < bytes.count, bytes[k] == 0x0A {
          var probe = self
          probe.i = k
          probe.newLine()
          while true {
            probe.skipSpaces()
            guard let c = probe.peek(0) else { throw Refused() }
            if c == 0x0A { throw Refused() }  // an empty line inside would fold in as a line break
            guard c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: "#") else { throw Refused() }
            break
          }
        }
      }
      let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
      guard !text.isEmpty else { throw Refused() }
      lastScalar = start..<end
      return YAMLNode(kind: .scalar(String(decoding: text, as: UTF8.self), plain: true),
                      span: SourceSpan(file: file, line: span.line, column: span.column, length: scalars(start, end)),
                      contentOffset: 0)
    }

    /// Whether `b` may not start a plain scalar (or starts what this reader refuses): ``-?:,[]{}#&*!|>'"%@` ``.
    @inline(__always) static func isIndicator(_ b: UInt8) -> Bool {
      switch b {
      case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
        UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"),
        UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
        UInt8(ascii: "`"):
        return true
      default:
        return false
      }
    }

    /// The bytes of the last scalar read (inside the quotes of a quoted one): its text.
    var lastScalar = 0..<0
    /// A fingerprint of each key of the mappings open, outermost first (each mapping's from where it began).
    var keyPrints: [UInt64] = []

    /// Records the last scalar read as a key of the mapping whose keys begin at `first` in `keyPrints`.
    /// A key written twice is refused, as `DirectComposer` refuses it; so is (rarely) a key whose
    /// fingerprint is another's, or a mapping of more than 64 keys (compared one by one here, so a hostile mapping costs little).
    mutating func newKey(since first: Int) throws {
      var h: UInt64 = 0xCBF2_9CE4_8422_2325
      for k in lastScalar {
        h = (h ^ UInt64(bytes[k])) &* 0x100_0000_01B3
      }
      guard keyPrints.count - first < 64 else { throw Refused() }
      for k in first..<keyPrints.count where keyPrints[k] == h { throw Refused() }
      keyPrints.append(h)
    }
  }
}
