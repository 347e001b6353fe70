/// The statements a spilled book of claims keyed by limit slot runs for every claim (look its slot
/// up, add a claim, replace the holder), prepared once on the run's `SpillStore`: the limit winners
/// (`SpillingLimitBook`) and the group results' claims (`SpillingGroupClaims`) each hold one.
struct SlotStatements {
  let store: SpillStore
  let select, insert, update: SpillStore.Statement

  init(_ store: SpillStore, select: String, insert: String, update: String) throws {
    self.store = store
    self.select = try store.prepare(select)
    self.insert = try store.prepare(insert)
    self.update = try store.prepare(update)
  }
}
