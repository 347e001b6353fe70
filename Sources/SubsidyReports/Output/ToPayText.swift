import PolicyCheck
import PolicyEval
import PolicyValues

/// "What would make it payable" in plain words (`subsidy eval --why-not`) and as JSON (`to_pay`).
struct ToPayText {
  let program: Program
  let language: TextReport.Language
  let showPII: Bool
  /// Made once, not per answer (each copied the program, every table of it reference counted).
  private let words: ValueWords

  init(program: Program, language: TextReport.Language, showPII: Bool) {
    self.program = program
    self.language = language
    self.showPII = showPII
    words = ValueWords(program: program, language: language, showPII: showPII)
  }

  /// The text in the language asked for; only that one is made (the other's values are not put in words).
  private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { language == .zh ? zh() : en() }

  /// One line per step: 外出务工收入证明未提供; 家庭年劳务收入须为 20000（现为 19996）; 待 2024-02-29 即可发放.
  func lines(_ toPay: ToPay) -> [String] {
    toPay.steps.map { step in
      switch step {
      case .set(let entity, let id, let field, let value, let type, let current):
        let what = words.field(entity, id, field)
        guard let value else { return t("须填写\(what)", "give \(what)") }
        return t("\(what)须为\(words.value(value, type))（现为\(words.value(current, type))）",
                 "\(what) must be \(words.value(value, type)) (now \(words.value(current, type)))")
      case .provide(let evidence, _, _):
        return t("补交：\(words.evidence(evidence))", "provide: \(words.evidence(evidence))")
      case .wait(let until):
        return t("待 \(until) 即可发放", "payable on \(until)")
      case .reach(let aggregate, let needed, let current):
        // An aggregate reads no parameter, so the date its parameters would be valued on does not matter.
        let what = PlainExpression(schema: program.schema, parameters: [], language: language, date: CivilDate(year: 2000, month: 1, day: 1)!)
          .render(aggregate)
        return t("\(what)须达 \(words.value(needed, .number))（现为 \(words.value(current, .number))）",
                 "\(what) must reach \(words.value(needed, .number)) (now \(words.value(current, .number)))")
      case .cannot(let obstacle):
        return t("无法改变：", "cannot change: ") + self.obstacle(obstacle, words)
      }
    }
  }

  private func obstacle(_ o: ToPay.Obstacle, _ words: ValueWords) -> String {
    switch o {
    case .fixedFact(let entity, let id, let field, let current, let type):
      return t("\(words.field(entity, id, field))为\(words.value(current, type))，是按法规认定的事实，不能通过补正改变",
               "\(words.field(entity, id, field)) is \(words.value(current, type)), a fact the law takes as it is")
    case .eventBeforePolicy(let event, let from):
      return t("事件日期 \(event) 早于政策施行日 \(from)", "the event on \(event) is before the policy took effect on \(from)")
    case .eventAfterPolicy(let event, let until):
      return t("事件日期 \(event) 晚于政策截止日 \(until)", "the event on \(event) is after the policy ended on \(until)")
    case .deadlinePassed(let last, let date):
      return t("须于 \(last) 前满足条件，实际为 \(date)", "it had to vest by \(last), not \(date)")
    case .employmentEnded(let end, let vests):
      return t("已于 \(end) 结束就业，未满稳定就业期（至 \(vests)）", "employment ended on \(end), before \(vests)")
    case .limitTaken(let holder):
      return t("限享一次的名额已由 \(holder) 享受", "the one payment went to \(holder)")
    case .lawSilent(let why):
      return t("条款未规定金额：", "the law states no amount: ") + why.text(chinese: language == .zh)
    case .notAFactChange(let text):
      return t("条件“\(text)”不取决于可补正的单项事实", "`\(text)` is not a fact that can be corrected")
    case .conflicting(let entity, let id, let field):
      return t("\(words.field(entity, id, field))须同时为两个不同的值：两项条件要求由不同的机构或人员分别担任",
               "\(words.field(entity, id, field)) would need two values at once: two roles need different parties")
    }
  }

  /// `to_pay` in the JSON: machine names (field names, enum case names), as the contract's other fields.
  static func json(_ toPay: ToPay, schema: FactSchema) -> JSON {
    func value(_ v: Value?, _ type: ExprType) -> JSON {
      if case .enumCase(let i)? = v, case .enumeration(let name) = type, let e = schema.enums[name], i < e.cases.count { return .string(e.cases[i]) }
      switch v {
      case nil, .null?: return .null
      case .bool(let b)?: return .bool(b)
      case .number(let n)?: return .string(n.description)
      case .date(let d)?: return .string(d.description)
      case .code(let c)?: return .string(c.description)
      case .string(let s)?: return .string(s)
      case .enumCase(let i)?: return .string("#\(i)")
      default: return .string("\(v!)")
      }
    }
    let steps: [JSON] = toPay.steps.map { step in
      switch step {
      case .set(let entity, let id, let field, let v, let type, let current):
        return .object([("set", .object([("entity", .string(entity)), ("id", .string(id)), ("field", .string(field)),
                                          ("value", value(v, type)), ("current", value(current, type))]))])
      case .provide(let evidence, let entity, let id):
        return .object([("provide", .object([("evidence", .string(evidence)), ("entity", .string(entity)), ("id", .string(id))]))])
      case .wait(let until):
        return .object([("wait_until", .string(until.description))])
      case .reach(let aggregate, let needed, let current):
        return .object([("reach", .object([("aggregate", .string(aggregate.source.text)), ("needed", value(needed, .number)),
                                            ("current", value(current, .number))]))])
      case .cannot(let o):
        return .object([("cannot", .string(Self.code(o)))])
      }
    }
    return .object([("possible", .bool(toPay.possible)), ("steps", .array(steps))])
  }

  static func code(_ o: ToPay.Obstacle) -> String {
    switch o {
    case .fixedFact(_, _, let field, _, _): "fixed_fact:\(field)"
    case .eventBeforePolicy: "event_before_policy"
    case .eventAfterPolicy: "event_after_policy"
    case .deadlinePassed: "deadline_passed"
    case .employmentEnded: "employment_ended"
    case .limitTaken: "limit_taken"
    case .lawSilent: "law_silent"
    case .notAFactChange: "not_a_fact_change"
    case .conflicting(_, _, let field): "conflicting:\(field)"
    }
  }
}

/// Names of fields and values as an officer reads them, from the schema's labels: the one place the
/// reports (explanations, "what would make it payable") say a value.
struct ValueWords {
  let program: Program
  let language: TextReport.Language
  let showPII: Bool

  /// 人员 P1 的贫困状态 / the poverty status of person P1.
  /// The labels are read where the schema holds them: looking the entity and the field up by name
  /// copied each (every label, field and slot of the entity) for every change an answer names.
  func field(_ entity: String, _ id: String, _ field: String) -> String {
    var kind = entity, name = field
    if let e = program.schema.entityIndex[entity] {
      if let label = program.schema.entities[e].label { kind = language == .zh ? label.zh : label.en }
      if let slot = program.schema.entities[e].slots[field], let label = program.schema.entities[e].fields[slot].label {
        name = language == .zh ? label.zh : label.en
      }
    }
    let shown = PIIMask.mask(id, show: showPII)
    return language == .zh ? "\(kind) \(shown) 的\(name)" : "the \(name) of \(kind) \(shown)"
  }

  func evidence(_ id: String) -> String {
    guard let e = program.schema.enums["evidence"], let i = e.index(of: id) else { return id }
    return e.labels[i].map { language == .zh ? $0.zh : $0.en } ?? id
  }

  func value(_ v: Value, _ type: ExprType) -> String {
    switch (v, type) {
    case (.null, _): return language == .zh ? "空" : "empty"
    case (.bool(let b), _): return b ? (language == .zh ? "是" : "yes") : (language == .zh ? "否" : "no")
    case (.enumCase(let i), .enumeration(let name)):
      guard let e = program.schema.enums[name], i < e.cases.count else { return "#\(i)" }
      return e.labels[i].map { language == .zh ? $0.zh : $0.en } ?? e.cases[i]
    case (.number(let n), _): return n.description
    case (.date(let d), _): return d.description
    case (.code(let c), _): return c.description
    case (.string(let s), _): return PIIMask.mask(s, show: showPII)
    default: return "\(v)"
    }
  }
}
