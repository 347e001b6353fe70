import PolicyEval
import PolicyValues

/// The sentences every output of `compare` shares, in Chinese or English: the statement of how the
/// cohort was made local, status names, and the reasons for a change.
struct CompareWords {
  let language: TextReport.Language

  func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

  func status(_ s: Status) -> String { language == .zh ? s.label.zh : s.label.en }

  func category(_ c: RuleCategory) -> String { language == .zh ? c.label.zh : c.label.en }

  func funding(_ f: String) -> String { f.isEmpty ? t("未注明", "not named") : f }

  /// How the cohort was made local to each policy: said in every output, since it changes the facts.
  func localisation(_ report: CompareReport) -> String {
    let homes = report.policies.map { "\($0.id) \($0.jurisdiction) → \($0.home)" }.joined(separator: t("；", "; "))
    return t("""
      本地化：每项政策只覆盖本辖区户籍的人员，因此比较时把同一批人员视为各政策辖区的本地人：户籍不在辖区内的，户籍改为辖区内的一个县（\(homes)）；\
      就业地、组织机构和用工单位所在地随之移动，使其相对户籍的范围（县内、州内县外、省内州外、省外）保持不变；其余事实均不变。\
      金额只计现金补贴，不含贷款额度等权益；“待发”指待生效或缺少材料的金额。
      """, """
      Made local: each policy covers only people registered (户籍) in its jurisdiction, so the cohort is treated as local to each one: \
      a person registered elsewhere is given a household registration in one county of the jurisdiction (\(homes)); \
      destinations and the locations of organisers and employers move with it, so each keeps its scope relative to the household \
      registration (in county, in prefecture, in province, out of province); every other fact stays the same. \
      Amounts count cash payments only, not entitlements such as loan ceilings; "awaiting" is money pending vesting or missing evidence.
      """)
  }

  func money(_ f: Fixed) -> String { f.fenString }

  func signed(_ f: Fixed) -> String { (f > .zero ? "+" : "") + f.fenString }

  /// `D03 organizing-follow-up-subsidy 不符合条件：person.poverty_status == … (值 alleviated)`
  func line(_ l: ChangeReason.Line) -> String {
    var out = "\(l.clause) \(l.rule) \(l.subject) \(status(l.status))"
    if let a = l.amount { out += " \(a.fenString)" }
    if let f = l.failed { out += t("：\(f.check)（值 \(f.value)）", ": \(f.check) (value \(f.value))") }
    return out
  }

  func difference(_ d: ChangeReason.Difference, _ report: CompareReport, _ pair: PairChanges) -> String {
    let from = report.policies[pair.from].id, to = report.policies[pair.to].id
    func holds(_ c: Check?) -> String {
      guard let c else { return t("无此条件", "no such condition") }
      return (c.holds ? t("成立", "holds") : t("不成立", "fails")) + t("（值 \(c.value)）", " (value \(c.value))")
    }
    switch d {
    case .condition(let rule, let subject, let a, let b):
      let check = a?.check ?? b?.check ?? ""
      if let a, let b, a.check != b.check {
        return t("首个不同条件：\(rule) \(subject)：\(from) 的 \(a.check) \(holds(a))，\(to) 的 \(b.check) \(holds(b))",
                 "first differing condition: \(rule) \(subject): \(from) `\(a.check)` \(holds(a)), \(to) `\(b.check)` \(holds(b))")
      }
      return t("首个不同条件：\(rule) \(subject) 的 \(check)：\(from) \(holds(a))，\(to) \(holds(b))",
               "first differing condition: \(rule) \(subject), \(check): \(from) \(holds(a)), \(to) \(holds(b))")
    case .amount(let rule, let subject, let a, let b, let parameters):
      let amounts = "\(a?.fenString ?? "null") → \(b?.fenString ?? "null")"
      let why = parameters.isEmpty ? "" : t("；", "; ") + parameters.joined(separator: t("；", "; "))
      return t("金额不同：\(rule) \(subject) \(amounts)\(why)", "amount differs: \(rule) \(subject) \(amounts)\(why)")
    case .status(let rule, let subject, let a, let b, let dateA, let dateB):
      func when(_ d: CivilDate?) -> String { d.map { t("（\($0) 起）", " (from \($0))") } ?? "" }
      return t("状态不同：\(rule) \(subject) \(from) \(status(a))\(when(dateA))，\(to) \(status(b))\(when(dateB))",
               "status differs: \(rule) \(subject): \(from) \(status(a))\(when(dateA)), \(to) \(status(b))\(when(dateB))")
    case .refusal(let p, let rule, let subject, let check):
      return t("首个不满足的条件：\(report.policies[p].id) \(rule) \(subject) 的 \(check.check)（值 \(check.value)）",
               "first failing condition: \(report.policies[p].id) \(rule) \(subject), \(check.check) (value \(check.value))")
    case .noRule(let p):
      return t("\(report.policies[p].id) 没有适用于此人的补贴规则", "\(report.policies[p].id) has no rule that applies to this person")
    }
  }
}
