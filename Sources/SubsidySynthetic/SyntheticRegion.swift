/// Where synthetic workers come from and go to, by 6-digit division code.
///
/// Each region's table is what makes its policy's conditions bite: hukou codes
/// inside the jurisdiction, destinations in every scope the rate tables name
/// (including 盈江's `in_province`, which the law leaves without an amount), and
/// organisers of the kinds that region pays. A sixth, `elsewhere`, holds workers
/// registered outside all five jurisdictions, who must get no result at all.
struct SyntheticRegion: Sendable {
  /// Hukou codes, one of which each household is registered in.
  let counties: [String]
  /// Relative share of households (out of the sum over all regions).
  let share: Int
  /// Weights of destination scope: in county, in prefecture, in province, out of province.
  let scopeWeights: [Int]
  /// Other counties of the same prefecture (the worker's own county is skipped when picking).
  let inPrefecture: [String]
  /// Codes in the same province, another prefecture.
  let inProvince: [String]
  /// Codes in other provinces, where most organised export goes.
  let outOfProvince: [String]
  /// Weights of registered_poor, alleviated, monitored, none.
  let povertyWeights: [Int]
  /// Percentage of households relocated for poverty alleviation (易地扶贫搬迁).
  let relocatedPercent: Int
  /// Weights over `SyntheticOrganiserRole.allCases` (lead entrepreneurs of 三都 are planned separately).
  let organiserWeights: [Int]
  /// Places outside the region where some of its organisers are registered, so
  /// location conditions (三都's county companies) fail sometimes.
  let outsideOrganiserLocations: [String]
  /// Surnames common in the region (Dai and Jingpo in 盈江, Shui in 三都, …), mixed with national ones.
  let surnames: [String]
}

extension SyntheticRegion {
  /// The regions in a fixed order (the order is part of the output's determinism).
  static let all: [SyntheticRegion] = [yingjiang, honghe, sandu, xiangxi, wujiang, elsewhere]

  static let yingjiang = SyntheticRegion(
    counties: ["533123"], share: 24, scopeWeights: [15, 20, 15, 50],
    inPrefecture: ["533102", "533103", "533122", "533124"],
    inProvince: ["530102", "530112", "530402", "532502"],
    outOfProvince: ["350981", "440305", "440306", "330206", "330782", "320411", "441900"],
    povertyWeights: [10, 55, 15, 20], relocatedPercent: 8,
    organiserWeights: [12, 15, 12, 15, 20, 15, 0, 5], outsideOrganiserLocations: ["533102"],
    surnames: ["排", "线", "尹", "岳", "早", "金", "孔", "刀", "思", "番", "石"])

  static let honghe = SyntheticRegion(
    counties: ["532501", "532502", "532503", "532504", "532523", "532524", "532525",
               "532527", "532528", "532529", "532530", "532531", "532532"],
    share: 28, scopeWeights: [10, 15, 20, 55],
    inPrefecture: ["532501", "532502", "532503", "532504", "532524", "532527"],
    inProvince: ["530102", "530112", "530402", "533103"],
    outOfProvince: ["440306", "441900", "350981", "330782", "320583", "320411"],
    povertyWeights: [40, 30, 10, 20], relocatedPercent: 10,
    organiserWeights: [35, 20, 5, 10, 15, 10, 0, 5], outsideOrganiserLocations: ["530102"],
    surnames: ["李", "白", "马", "普", "卢", "龙", "罗", "高", "朱"])

  static let sandu = SyntheticRegion(
    counties: ["522732"], share: 16, scopeWeights: [8, 12, 20, 60],
    inPrefecture: ["522701", "522702", "522722", "522731"],
    inProvince: ["520102", "520111", "520302"],
    outOfProvince: ["440305", "440306", "441900", "350203", "330206", "320411"],
    povertyWeights: [45, 25, 10, 20], relocatedPercent: 20,
    organiserWeights: [25, 10, 10, 10, 20, 15, 0, 5], outsideOrganiserLocations: ["522701"],
    surnames: ["潘", "韦", "蒙", "陆", "石", "莫", "欧", "吴"])

  static let xiangxi = SyntheticRegion(
    counties: ["433101", "433122", "433123", "433124", "433125", "433126", "433127", "433130"],
    share: 24, scopeWeights: [10, 15, 25, 50],
    inPrefecture: ["433101", "433122", "433123", "433124", "433127", "433130"],
    inProvince: ["430104", "430121", "430602", "430211"],
    outOfProvince: ["440306", "441900", "330782", "350981", "320583", "310115"],
    povertyWeights: [50, 20, 10, 20], relocatedPercent: 10,
    organiserWeights: [15, 20, 30, 10, 3, 2, 0, 20], outsideOrganiserLocations: ["430104"],
    surnames: ["彭", "田", "向", "龙", "石", "麻", "符", "覃", "滕"])

  static let wujiang = SyntheticRegion(
    counties: ["320509"], share: 5, scopeWeights: [35, 35, 15, 15],
    inPrefecture: ["320505", "320506", "320507", "320508", "320581", "320582", "320583", "320585"],
    inProvince: ["320411", "320106", "320214"],
    outOfProvince: ["310115", "330206", "330482", "340104"],
    povertyWeights: [2, 3, 5, 90], relocatedPercent: 0,
    organiserWeights: [20, 0, 0, 20, 40, 20, 0, 0], outsideOrganiserLocations: ["320506"],
    surnames: ["沈", "陆", "吴", "徐", "周", "顾", "钱", "姚"])

  static let elsewhere = SyntheticRegion(
    counties: ["533102", "522701", "431202", "532301"], share: 3, scopeWeights: [20, 0, 0, 80],
    inPrefecture: [], inProvince: [],
    outOfProvince: ["440306", "441900", "330782", "320583"],
    povertyWeights: [20, 30, 10, 40], relocatedPercent: 5,
    organiserWeights: [30, 20, 20, 10, 10, 0, 0, 10], outsideOrganiserLocations: [],
    surnames: ["杨", "刘"])

  /// Index of 三都 in `all`, whose lead entrepreneurs are planned by row count.
  static let sanduIndex = 2
}
