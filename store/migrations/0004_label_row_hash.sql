-- Which labels of an earlier version a newer one lacks is a search by row hash in the newer
-- version (store.UncarriedLabels); without this index it scanned the version's labels once per
-- label: 8.5 s for 20,000 labels each time labelling opened.
CREATE INDEX labels_row_hash ON labels(dataset_version_id, row_hash);
