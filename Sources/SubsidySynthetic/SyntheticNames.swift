/// Chinese personal names for synthetic rosters.
///
/// Names matter to the batch path only as UTF-8 text of 2–4 characters (three
/// bytes each) that must survive CSV round trips, Excel's BOM and reports; a
/// rare alias with an ASCII comma ("杨德芳, 又名杨芳", as clerks type them)
/// forces RFC 4180 quoting so the reader's quoted-field path is exercised.
enum SyntheticNames {
  /// The most common national surnames, used alongside each region's own.
  static let commonSurnames = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
    "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
  ]

  /// Characters of given names, drawn one or two at a time.
  static let givenCharacters = [
    "明", "华", "建", "国", "伟", "芳", "丽", "强", "军", "平", "勇", "艳", "杰", "娟",
    "涛", "斌", "秀", "英", "梅", "兰", "春", "桂", "玉", "金", "德", "永", "志", "红",
    "文", "林", "海", "云", "燕", "霞", "琴", "新", "福", "贵", "荣", "成", "忠", "小",
    "晓", "宇", "浩", "婷", "雪", "佳", "俊", "鑫", "兵", "腊", "么", "早", "麻", "香",
  ]

  /// A name: a regional surname about half the time, then one or two given characters.
  static func name(surname: String, using rng: inout SyntheticRandom) -> String {
    var given = rng.pick(givenCharacters) ?? "明"
    if rng.percent(80) { given += rng.pick(givenCharacters) ?? "华" }
    return surname + given
  }

  /// A surname for a new household in `region`.
  static func surname(in region: SyntheticRegion, using rng: inout SyntheticRandom) -> String {
    let list = rng.percent(55) ? region.surnames : commonSurnames
    return rng.pick(list) ?? "王"
  }
}
