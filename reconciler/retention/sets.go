package retention

import "github.com/vaultkeeper/vaultkeeper/state/catalog"

// ForSets are the items retention plans over among sets of one policy in one destination:
// every set but safety sets (a Restore's, kept by keepSafety instead), with whether it is
// complete and verified. The agent's prune and `vaultkeeper retention plan --policy` use it.
func ForSets(sets []catalog.Set) []Item {
	var items []Item
	for _, s := range sets {
		if s.Meta != nil && s.Meta.Kind == catalog.KindSafety {
			continue
		}
		items = append(items, Item{ID: s.ID, Time: s.Time, Verified: s.Verified(), Complete: s.Complete()})
	}
	return items
}
