import Foundation
import PolicyCheck
import PolicyDSL
@testable import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
@testable import SubsidyReports
import Testing

/// "What would make it payable" checks its answer by making the changes and judging again, and names a
/// change that breaks another condition as a conflict. It judges again only the conditions that read a
/// changed field, on the subject's record, in the changed columns (not a copy of the facts): the answer
/// must be the one the plain way gives, evaluating the changed facts whole.
@Suite struct ToPayVerifyTests {
  /// The plain way: the changes made to a copy of the facts, every rule evaluated on them, and each
  /// change of a field that a condition failing there reads named a conflict.
  static func plainlyVerified(_ answer: ToPay, _ r: EvalResult, program: Program, facts: Facts, asOf: CivilDate) -> ToPay {
    guard answer.steps.contains(where: { if case .set = $0 { true } else { false } }), answer.possible,
      let (changed, date) = answer.applied(to: facts, schema: program.schema, asOf: asOf),
      let again = program.evaluate(changed, asOf: date).first(where: { $0.ruleIndex == r.ruleIndex && $0.subject == r.subject }),
      again.status != .payable
    else { return answer }
    var broken = Set<String>()
    for check in again.explanation where !check.holds {
      guard case .condition(_, let index, _, _)? = check.reason, let condition = program.condition(rule: r.ruleIndex, index: index)?.condition else { continue }
      for path in NullableReads.reads(condition) {
        if let last = path.last { broken.insert(program.schema.entities[last.entity].fields[last.slot].name) }
      }
    }
    return ToPay(steps: answer.steps.map { step in
      if case .set(let entity, let id, let field, _, _, _) = step, broken.contains(field) { return .cannot(.conflicting(entity: entity, id: id, field: field)) }
      return step
    })
  }

  /// Every example and officer case, and a case whose answer breaks another condition: every answer
  /// equals the plain way's, and some answers are changed by judging again (so the comparison is not empty).
  @Test func judgingAgainGivesWhatEvaluatingTheChangedFactsGives() throws {
    let program = ConditionTextsTests.program
    var cases = ConditionTextsTests.cases
    var d = DiagnosticBag()
    cases.append(("one organisation as organiser and village co-operative", try #require(YAMLLoader.load(Self.sharedOrganisation, into: &d)),
                  CivilDate.parse("2019-05-31")))
    var compared = 0, changedByJudging = 0, differing: [String] = []
    for c in cases {
      guard let facts = FactsLoader(schema: program.schema).load(c.facts, asOf: c.asOf, into: &d), let asOf = c.asOf ?? facts.asOf else { continue }
      // One set of answers for the whole case, as a served document makes them: each answer judged
      // again in the same scratch columns, whose changes must be put back for the next.
      let answers = program.toPayAnswers(facts: facts, asOf: asOf)
      for r in program.evaluate(facts, asOf: asOf) {
        guard let answer = answers.toPay(r, verifying: false), let verified = answers.toPay(r) else {
          #expect(answers.toPay(r) == nil && program.toPay(r, facts: facts, asOf: asOf) == nil)
          continue
        }
        let plain = Self.plainlyVerified(answer, r, program: program, facts: facts, asOf: asOf)
        compared += 1
        if "\(plain.steps)" != "\(answer.steps)" { changedByJudging += 1 }
        if "\(plain.steps)" != "\(verified.steps)" { differing.append("\(c.name) \(r.rule) \(r.subject):\n  \(verified.steps)\n  \(plain.steps)") }
        // Alone, with answers of its own, it is the same.
        #expect(program.toPay(r, facts: facts, asOf: asOf).map { "\($0.steps)" } == "\(verified.steps)")
      }
      // Every cell changed to judge an answer again is back as the facts have it.
      for kind in facts.tables.indices {
        for slot in facts.tables[kind].columns.indices {
          for record in 0..<facts.tables[kind].count where answers.scratch.columns[kind][slot][record] != facts.tables[kind][record: record, slot: slot] {
            differing.append("\(c.name): \(program.schema.entities[kind].name) \(facts.tables[kind].ids[record]) slot \(slot) not put back")
          }
        }
      }
    }
    #expect(differing.isEmpty, "\(differing.joined(separator: "\n"))")
    #expect(compared >= 300, "\(compared)")
    #expect(changedByJudging >= 1)
  }

  /// 红河 二（二）2: the organiser H1 is an HR service company and also the village co-operative, which
  /// must be a labour co-operative. Making H1 a labour co-operative would make the organiser fail, so
  /// the answer names the conflict instead of suggesting it.
  static let sharedOrganisation = SourceFile(path: "shared.yaml", text: """
    people: [{id: P1, hukou: "532524", poverty_status: registered_poor}]
    organizations: [{id: H1, kind: hr_service_agency, location: "532524", agreed_share_per_worker: 50}]
    dispatches:
      - {id: D1, person: P1, organizer: H1, village_cooperative: H1, destination: "441900", organized: true, start: 2019-04-02, evidence: [agreement]}
    """)

  @Test func aChangeThatBreaksAnotherConditionIsNamedAConflict() throws {
    let program = ConditionTextsTests.program
    var d = DiagnosticBag()
    let facts = try #require(FactsLoader(schema: program.schema).load(Self.sharedOrganisation, into: &d), "\(d.diagnostics.map(\.message))")
    let asOf = try #require(CivilDate.parse("2019-05-31"))
    let r = try #require(program.evaluate(facts, asOf: asOf).first { $0.rule == "village-income-share" && $0.subject == "D1" })
    #expect(r.status == .ineligible)
    let answer = try #require(program.toPayAnswers(facts: facts, asOf: asOf).toPay(r, verifying: false))
    #expect(answer.steps.contains { if case .set("organization", "H1", "kind", _?, _, _) = $0 { true } else { false } }, "\(answer.steps)")
    let verified = try #require(program.toPay(r, facts: facts, asOf: asOf))
    #expect(!verified.possible)
    #expect(verified.steps.contains { if case .cannot(.conflicting("organization", "H1", "kind")) = $0 { true } else { false } }, "\(verified.steps)")
    #expect(!verified.steps.contains { if case .set(_, _, "kind", _, _, _) = $0 { true } else { false } })
  }
}

/// `stable_employment: 3 months` in Chinese: the parts found by bytes give what splitting gives.
@Suite struct DurationWordsTests {
  static func bySplitting(_ text: String) -> String {
    let parts = text.split(separator: " ")
    guard parts.count == 2 else { return text }
    let unit = parts[1].hasPrefix("month") ? "个月" : parts[1].hasPrefix("day") ? "天" : parts[1].hasPrefix("year") ? "年" : String(parts[1])
    return "\(parts[0])\(unit)"
  }

  @Test(arguments: ["3 months", "1 year", "10 days", "6 month", "2 weeks", "3  months", " 3 months", "3 months ", "3", "", "3 months extra",
                    "3 个月", "三 months", "3\u{301} months", "3 \u{301}months"])
  func sameAsSplitting(_ text: String) {
    #expect(ExplanationText.duration(text, chinese: true) == Self.bySplitting(text))
    #expect(ExplanationText.duration(text, chinese: false) == text)
  }
}

/// The parts of each condition compiled with the program (`ConditionParts`, which "what would make it
/// payable" walks) read what compiling each part afresh reads, for every subject of every case.
@Suite struct ConditionPartsTests {
  @Test func partsReadWhatCompilingThemReads() throws {
    let program = ConditionTextsTests.program
    var d = DiagnosticBag()
    var compared = 0, compound = 0
    func walk(_ e: TypedExpr, _ parts: ConditionParts, _ ctx: EvalContext, _ compiler: ExprCompiler) {
      #expect(parts.eval(ctx) == compiler.compile(e)(ctx), "\(e.source.text)")
      compared += 1
      switch e.node {
      case .binary(.and, let l, let r), .binary(.or, let l, let r):
        compound += 1
        #expect(parts.parts.count == 2)
        if parts.parts.count == 2 {
          walk(l, parts.parts[0], ctx, compiler)
          walk(r, parts.parts[1], ctx, compiler)
        }
      case .unary(.not, let inner):
        compound += 1
        #expect(parts.parts.count == 1)
        if let part = parts.parts.first { walk(inner, part, ctx, compiler) }
      default:
        #expect(parts.parts.isEmpty)
      }
    }
    for c in ConditionTextsTests.cases {
      guard let facts = FactsLoader(schema: program.schema).load(c.facts, asOf: c.asOf, into: &d), let asOf = c.asOf ?? facts.asOf else { continue }
      let compiler = ExprCompiler(schema: program.schema)
      for index in program.ruleNames.indices {
        guard let (p, rule) = program.compiledRule(at: index), !rule.isGroup else { continue }
        #expect(rule.conditionParts.count == rule.checked.conditions.count)
        let ctx = EvalContext(facts: facts, date: asOf)
        ctx.parameters = program.rule(at: index)?.parameters ?? []
        ctx.kind = rule.checked.subject
        _ = p
        for record in 0..<facts.tables[rule.checked.subject].count {
          ctx.record = record
          for (e, parts) in zip(rule.checked.conditions, rule.conditionParts) { walk(e, parts, ctx, compiler) }
        }
      }
    }
    #expect(compared >= 1000 && compound >= 10, "\(compared) \(compound)")
  }
}
