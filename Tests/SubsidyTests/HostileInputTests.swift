import Foundation
import PolicyDSL
import PolicySupport
import Testing

/// Files an attacker (or a careless clerk) puts where policies and facts are read: nothing outside
/// the policy folder is read, nothing but a short excerpt of a non-policy is echoed, and aliases of
/// a large string cannot make a small file cost gigabytes.
@Suite struct HostileInputTests {
  static let secret = "root:$6$saltsalt$THISISTHEHASHOFTHEROOTPASSWORD:19000:0:99999:7:::"

  static func policyFolder(in dir: URL) throws -> URL {
    let pol = dir.appendingPathComponent("pol")
    try FileManager.default.createDirectory(at: pol, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Paths.policies + "/facts.schema.yaml", toPath: pol.appendingPathComponent("facts.schema.yaml").path)
    try FileManager.default.copyItem(atPath: Paths.policies + "/yingjiang.yaml", toPath: pol.appendingPathComponent("yingjiang.yaml").path)
    return pol
  }

  @Test func aPolicyThatLinksOutsideTheFolderIsRefusedAndNotEchoed() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let shadow = dir.appendingPathComponent("shadow")
    try Data((Self.secret + "\ndaemon:*:19000:0:99999:7:::\n").utf8).write(to: shadow)
    let pol = try Self.policyFolder(in: dir)
    try FileManager.default.createSymbolicLink(atPath: pol.appendingPathComponent("evil.yaml").path, withDestinationPath: shadow.path)
    let r = try runCLI(["check", pol.path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("outside-policy-folder"), "\(r.stderr)")
    #expect(!r.stderr.contains("THISISTHEHASH") && !r.stderr.contains("daemon"), "the linked file was read:\n\(r.stderr)")
    // A link that stays inside the folder is still read.
    try FileManager.default.removeItem(at: pol.appendingPathComponent("evil.yaml"))
    try FileManager.default.createSymbolicLink(atPath: pol.appendingPathComponent("alias.yaml").path, withDestinationPath: "yingjiang.yaml")
    let inside = try runCLI(["check", pol.path])
    #expect(inside.stderr.contains("duplicate") || inside.stdout.contains("duplicate") || inside.stderr.contains("yingjiang"), "\(inside.stderr)")
    #expect(!inside.stderr.contains("outside-policy-folder"))
  }

  @Test func aFileThatIsNotAPolicyGivesOneErrorWithoutItsLines() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pol = try Self.policyFolder(in: dir)
    try Data((Self.secret + "\ndaemon:*:19000:0:99999:7:::\n").utf8).write(to: pol.appendingPathComponent("copied.yaml"))
    let r = try runCLI(["check", pol.path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("not-a-policy"), "\(r.stderr)")
    #expect(!r.stderr.contains("THISISTHEHASH") && !r.stderr.contains("unknown-key"), "\(r.stderr)")
  }

  @Test func aQuotedSourceLineIsCutToAFixedWidth() {
    let line = "title: " + String(repeating: "字", count: 3000) + " here"
    let file = SourceFile(path: "long.yaml", text: line + "\n")
    let renderer = DiagnosticRenderer(sources: [file])
    for column in [1, 50, 2000, 3005] {
      let out = renderer.render([Diagnostic(.error, "x", "problem", zh: "问题", at: SourceSpan(file: "long.yaml", line: 1, column: column))])
      let quoted = out.split(separator: "\n").dropFirst()
      let columns = { (line: Substring) in line.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) } }
      #expect(quoted.allSatisfy { columns($0) <= DiagnosticRenderer.excerptWidth + 12 }, "column \(column): \(out.prefix(400))")
      #expect(out.contains("…") && out.contains("^"))
    }
  }

  /// 5,000 aliases of a 2 MB string: 10 GB expanded. Refused at once, at the key that holds the aliases.
  @Test func aliasesOfALargeStringAreCappedByBytes() {
    let big = String(repeating: "a", count: 2 * 1024 * 1024)
    let text = "id: demo\nbig: &s \"\(big)\"\nnotes:\n" + String(repeating: "  - *s\n", count: 5_000)
    var d = DiagnosticBag()
    let started = Date()
    let root = YAMLLoader.load(SourceFile(path: "bomb.yaml", text: text), into: &d)
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(root == nil)
    let e = d.diagnostics.first { $0.code == "yaml-expansion" }
    #expect(e?.span.map { "\($0.start)" } == "3:1", "\(d.diagnostics)")
    #expect(e?.message.contains("bytes") == true)
    // The same string used a few times (under the cap) is fine.
    var ok = DiagnosticBag()
    #expect(YAMLLoader.load(SourceFile(path: "ok.yaml", text: "big: &s \"\(big)\"\nnotes: [*s, *s, *s]\n"), into: &ok) != nil)
  }

  @Test func evalOfAFactsFileWithAliasesOfALargeNameWritesAnErrorNotHundredsOfMegabytes() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var lines = ["as_of: 2024-06-30", "people:",
                 "  - {id: P0, hukou: \"533123\", poverty_status: alleviated, name: &s \"\(String(repeating: "b", count: 2 * 1024 * 1024))\"}"]
    lines += (1..<280).map { "  - {id: P\($0), hukou: \"533123\", poverty_status: alleviated, name: *s}" }
    let file = try write(lines.joined(separator: "\n") + "\n", to: dir, "facts.yaml")
    let r = try runCLI(["eval", file])
    #expect(r.status == 1)
    #expect(r.stdout.utf8.count + r.stderr.utf8.count < 10_000, "wrote \(r.stdout.utf8.count) bytes")
    #expect(r.stderr.contains("yaml-expansion"))
  }
}
