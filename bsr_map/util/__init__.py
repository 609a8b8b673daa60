"""Building blocks with no knowledge of agencies or maps: atomic writes, locks, events, paths."""
