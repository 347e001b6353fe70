import Foundation
import SubsidyKit
import Testing

/// The streaming writer lays out text exactly as a `JSON` tree of the same shape was laid out: the
/// contract's documents and the server's answers are written through it, byte for byte as before.
@Suite struct JSONWriterTests {
  /// Keys followed by every kind of value, empty and nested containers, in both layouts.
  @Test func layoutMatchesTheTreesLayout() {
    func write(_ out: inout JSONWriter) {
      out.beginObject()
      out.key("s"); out.string("a\"b")
      out.key("none"); out.string(nil as String?)
      out.key("empty"); out.beginArray(); out.endArray()
      out.key("o"); out.beginObject(); out.endObject()
      out.key("list")
      out.beginArray()
      out.beginObject()
      out.key("k"); out.bool(true)
      out.endObject()
      out.number("12")
      out.beginArray(); out.string("x" as StaticString); out.endArray()
      out.endArray()
      out.key("dynamic \u{1}"); out.null()
      out.endObject()
    }
    var pretty = JSONWriter()
    write(&pretty)
    #expect(String(decoding: pretty.bytes(), as: UTF8.self) == """
      {
        "s": "a\\"b",
        "none": null,
        "empty": [],
        "o": {},
        "list": [
          {
            "k": true
          },
          12,
          [
            "x"
          ]
        ],
        "dynamic \\u0001": null
      }
      """)
    var compact = JSONWriter(pretty: false)
    write(&compact)
    #expect(String(decoding: compact.bytes(), as: UTF8.self)
      == #"{"s":"a\"b","none":null,"empty":[],"o":{},"list":[{"k":true},12,["x"]],"dynamic \u0001":null}"#)
  }

  /// A tree written through `value` reads back as the same JSON (keys in order), at any indentation.
  @Test func treesWrittenThroughTheWriterParseBack() throws {
    let tree = JSON.object([("a", .array([.string("甲"), .object([("b", .number("1"))]), .array([])])), ("c", .raw("[1,2]"))])
    for pretty in [true, false] {
      let text = tree.serialized(indent: 2, pretty: pretty)
      let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      #expect((parsed["a"] as? [Any])?.count == 3)
      #expect((parsed["c"] as? [Int]) == [1, 2])
      #expect(text.firstIndex(of: "a")! < text.firstIndex(of: "c")!)
    }
    // Indented by two levels: the closing bracket sits four spaces in.
    #expect(tree.serialized(indent: 2).hasSuffix("\n    }"))
  }
}

extension JSONWriterTests {
  /// Containers nested deeper than the writer's 64 bits of state still get their commas.
  @Test func deepNestingKeepsItsCommas() throws {
    var tree = JSON.array([.bool(true), .bool(false)])
    for depth in 0..<100 { tree = .array([.number(String(depth)), tree, .null]) }
    let text = tree.serialized(pretty: false)
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    var level = parsed as? [Any]
    var depth = 0
    while let items = level, items.count == 3 {
      level = items[1] as? [Any]
      depth += 1
    }
    #expect(depth == 100)
    #expect(level?.count == 2)
  }
}
