import PolicyValues
import SubsidyKit
import Testing

/// Making a cohort local keeps every placement's scope: a property over many generated codes.
@Suite struct CompareLocalizerTests {
  static let jurisdictions = ["533123", "522732", "433101", "4331", "5325", "3205", "52", "11"]
  static let provinces = [11, 12, 13, 31, 32, 33, 35, 43, 44, 50, 51, 52, 53, 62, 65]

  /// A deterministic stream of valid codes, clustered so that every scope occurs often.
  private static func codes(_ n: Int) -> [DivisionCode] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(truncatingIfNeeded: state >> 33)
    }
    let anchors = ["533123", "533102", "530102", "522732", "522701", "520102", "433101", "433130", "430102", "350981"].compactMap(DivisionCode.parse)
    return (0..<n).compactMap { _ in
      if next() % 2 == 0, let a = anchors.randomElementStable(next()) {
        // Same county, same prefecture or same province as an anchor.
        switch next() % 3 {
        case 0: return a
        case 1: return DivisionCode.parse(String(a.prefecture * 100 + next() % 40 + 1))
        default: return DivisionCode.parse(String((a.province * 100 + next() % 30 + 1) * 100 + next() % 30 + 1))
        }
      }
      let province = provinces[next() % provinces.count]
      return DivisionCode.parse(String((province * 100 + next() % 30 + 1) * 100 + next() % 30 + 1))
    }
  }

  @Test(arguments: jurisdictions) func everyCodeKeepsItsScopeRelativeToTheNewHome(_ j: String) throws {
    let localizer = try #require(Localizer(jurisdiction: j))
    #expect(localizer.home.isWithin(prefix: j))
    let all = Self.codes(600)
    for (i, home) in all.enumerated() {
      let newHome = localizer.hukou(home)
      #expect(newHome.isWithin(prefix: j), "\(home) → \(newHome)")
      if home.isWithin(prefix: j) { #expect(newHome == home) }
      for place in all[(i % 50)..<min(all.count, i % 50 + 30)] {
        let moved = localizer.place(place, from: home, to: newHome)
        #expect(newHome.scope(to: moved) == home.scope(to: place), "\(j): \(home)→\(newHome), \(place)→\(moved)")
      }
    }
  }

  @Test func fixedHomesAreTheDocumentedCounties() throws {
    #expect(Localizer(jurisdiction: "4331")?.home.description == "433101")
    #expect(Localizer(jurisdiction: "5325")?.home.description == "532501")
    #expect(Localizer(jurisdiction: "52")?.home.description == "520102")
    #expect(Localizer(jurisdiction: "533123")?.home.description == "533123")
    #expect(Localizer(jurisdiction: "123") == nil && Localizer(jurisdiction: "99") == nil)
  }

  @Test func anOutOfProvincePlaceInTheNewProvinceMovesOut() throws {
    let l = try #require(Localizer(jurisdiction: "4331"))
    let home = try #require(DivisionCode.parse("533123")), work = try #require(DivisionCode.parse("430102"))
    let moved = l.place(work, from: home, to: l.home)
    #expect(moved != work && l.home.scope(to: moved) == .outOfProvince)
  }
}

extension Array {
  fileprivate func randomElementStable(_ n: Int) -> Element? { isEmpty ? nil : self[n % count] }
}
