import PolicyValues

/// An inline SVG bar chart of payable money by policy, stacked by category: drawn here, with no
/// script or font from the network, so the report opens offline.
struct CompareChart {
  let report: CompareReport
  let words: CompareWords

  static let colors = ["#2f6fb0", "#e07b28", "#3a9d5d", "#c4433a", "#8a63b8", "#7a7a7a"]

  func svg() -> String {
    let categories = report.categories
    let width = 760, height = 380, left = 90, right = 200, top = 30, bottom = 50
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    // Heights are proportional to yuan; the fen are irrelevant at this scale, so whole yuan are used.
    let stacks = report.policies.indices.map { p in categories.map { yuan(report.byCategory[p][$0]?.payable ?? .zero) } }
    let maximum = max(1, stacks.map { $0.reduce(0, +) }.max() ?? 1)
    let scaleTop = niceCeiling(maximum)
    var out = "<svg role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
    out += "<title>\(HTMLText.escape(words.t("按政策和类别的可发放金额", "Payable by policy and category")))</title>\n"
    for step in 0...4 {
      let value = scaleTop * Int64(step) / 4
      let y = top + plotHeight - Int(Int64(plotHeight) * value / scaleTop)
      out += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + plotWidth)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
      out += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(value)</text>\n"
    }
    let slot = plotWidth / max(1, report.policies.count)
    let barWidth = min(90, slot * 3 / 5)
    for (p, policy) in report.policies.enumerated() {
      let x = left + slot * p + (slot - barWidth) / 2
      var base = top + plotHeight
      for (c, amount) in stacks[p].enumerated() where amount > 0 {
        let h = max(1, Int(Int64(plotHeight) * amount / scaleTop))
        base -= h
        out += "<rect x=\"\(x)\" y=\"\(base)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"\(Self.colors[c % Self.colors.count])\">"
        out += "<title>\(HTMLText.escape("\(policy.id) \(words.category(categories[c])) \(amount)"))</title></rect>\n"
      }
      let total = stacks[p].reduce(0, +)
      out += "<text x=\"\(x + barWidth / 2)\" y=\"\(base - 6)\" text-anchor=\"middle\" font-weight=\"bold\">\(total)</text>\n"
      out += "<text x=\"\(x + barWidth / 2)\" y=\"\(top + plotHeight + 20)\" text-anchor=\"middle\">\(HTMLText.escape(policy.id))</text>\n"
    }
    out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#333\"/>\n"
    out += "<text x=\"\(left - 60)\" y=\"\(top - 12)\">\(HTMLText.escape(words.t("元", "CNY")))</text>\n"
    for (c, category) in categories.enumerated() {
      let y = top + 10 + c * 22
      out += "<rect x=\"\(left + plotWidth + 20)\" y=\"\(y - 10)\" width=\"14\" height=\"14\" fill=\"\(Self.colors[c % Self.colors.count])\"/>"
      out += "<text x=\"\(left + plotWidth + 40)\" y=\"\(y + 2)\">\(HTMLText.escape(words.category(category)))</text>\n"
    }
    return out + "</svg>"
  }

  private func yuan(_ f: Fixed) -> Int64 { f.raw / Fixed.scale }

  /// 1, 2 or 5 times a power of ten at or above `n`, so the axis reads in round numbers.
  private func niceCeiling(_ n: Int64) -> Int64 {
    var power: Int64 = 1
    while power * 10 <= n { power *= 10 }
    for m: Int64 in [1, 2, 5, 10] where m * power >= n { return m * power }
    return 10 * power
  }
}

/// Escapes text for HTML element content and attribute values.
enum HTMLText {
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}
