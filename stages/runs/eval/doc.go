// Package eval is the evaluation engine of the Runs stage: it reads a predictions file (CSV, TSV
// or JSONL with a true-label column, a predicted-label column and optional score or per-class
// probability columns) and computes classification metrics (accuracy, per-class precision, recall
// and F1, confusion matrix, ROC AUC, average precision, log loss, ROC curves) or regression metrics
// (MAE, RMSE, R², max error, a residual histogram), with scikit-learn's definitions.
//
// FromFile is the one call most code needs; Read and Evaluate split it in two. The Report it
// returns is what the store keeps (as JSON, one per run and kind) and what the CLI prints.
package eval
