#!/usr/bin/env python3
"""Writes the synthetic fixture inputs and expected.json: the metrics scikit-learn computes for
every fixture, which stages/runs/eval's tests compare against.

Run from this directory with Debian's python3-sklearn (1.2.1, numpy 1.24):
    /usr/bin/python3 sklearn_expected.py
Inputs it does not write: wine_multiclass.csv (from `mlwb demo-train --data
testdata/demo/wine.csv --target cultivar --lr 0.01 --epochs 5 --predictions ...`),
multiclass_ties.csv and binary_one_class.csv (by hand).
"""
import csv
import json

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.preprocessing import label_binarize


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def make_inputs():
    rng = np.random.RandomState(7)
    # Binary, numeric labels, a score rounded to 2 decimals (many ties).
    n = 60
    y = rng.randint(0, 2, n)
    score = np.round(np.clip(0.35 * y + rng.uniform(0, 0.65, n), 0, 1), 2)
    pred = (score >= 0.5).astype(int)
    write_csv("binary_scores.csv", ["row", "y_true", "y_pred", "score"],
              [[i, int(y[i]), int(pred[i]), repr(float(score[i]))] for i in range(n)])
    # Binary, string labels, both probability columns, some exactly 0 and 1.
    n = 40
    y = np.where(rng.uniform(size=n) < 0.4, "spam", "ham")
    p_spam = np.round(np.clip(np.where(y == "spam", 0.3, 0.0) + rng.uniform(0, 0.7, n), 0, 1), 3)
    p_spam[:3] = [0.0, 1.0, 1.0]
    pred = np.where(p_spam >= 0.5, "spam", "ham")
    write_csv("binary_strings.csv", ["id", "label", "guess", "p_ham", "p_spam"],
              [[i, y[i], pred[i], repr(float(1 - p_spam[i])), repr(float(p_spam[i]))] for i in range(n)])
    # Regression: 200 rows, values written exactly.
    n = 200
    yt = rng.normal(10, 3, n)
    yp = yt + rng.normal(0, 1, n)
    write_csv("regression.csv", ["y_true", "y_pred"], [[repr(float(a)), repr(float(b))] for a, b in zip(yt, yp)])
    # Regression with a constant y_true (exactly representable).
    n = 25
    yp = 2.5 + rng.normal(0, 0.5, n)
    write_csv("regression_constant.csv", ["y_true", "y_pred"], [["2.5", repr(float(b))] for b in yp])
    # The wine predictions again, as JSONL.
    with open("wine_multiclass.jsonl", "w") as f:
        for r in read_csv("wine_multiclass.csv"):
            obj = {"row": int(r["row"]), "y_true": r["y_true"], "y_pred": r["y_pred"]}
            for k in ("p_class_0", "p_class_1", "p_class_2"):
                obj[k] = float(r[k])
            f.write(json.dumps(obj) + "\n")


def floats(xs):
    return [float(x) for x in xs]


def classification(y, pred, labels_all):
    """The metrics that need no scores."""
    labels = sorted(set(y) | set(pred), key=labels_all.index)
    p, r, f, s = metrics.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    out = {
        "labels": [str(l) for l in labels],
        "accuracy": metrics.accuracy_score(y, pred),
        "precision": floats(p), "recall": floats(r), "f1": floats(f), "support": [int(x) for x in s],
        "confusion": metrics.confusion_matrix(y, pred, labels=labels).tolist(),
    }
    for avg in ("macro", "weighted"):
        p, r, f, _ = metrics.precision_recall_fscore_support(y, pred, labels=labels, average=avg, zero_division=0)
        out[avg] = {"precision": p, "recall": r, "f1": f}
    return out


def undefined_or(fn):
    try:
        return fn()
    except ValueError as e:
        return {"undefined": str(e)}


def roc_points(y, score, pos):
    fpr, tpr, thr = metrics.roc_curve(y, score, pos_label=pos)
    # sklearn 1.2 puts max(score)+1 as the first threshold; mlwb leaves it out (above every score).
    return {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thr[1:])}


def binary(path, label, pred, score_col=None, prob_cols=None, positive=None, numeric=True):
    rows = read_csv(path)
    conv = int if numeric else str
    y = np.array([conv(r[label]) for r in rows])
    yp = np.array([conv(r[pred]) for r in rows])
    classes = sorted(set(y) | set(yp))
    out = classification(y, yp, classes)
    pos = positive if positive is not None else classes[-1]
    if score_col:
        score = np.array([float(r[score_col]) for r in rows])
        out["log_loss"] = metrics.log_loss(y, score, labels=classes)
    else:
        P = np.array([[float(r[c]) for c in prob_cols] for r in rows])
        score = P[:, classes.index(pos)]
        out["log_loss"] = metrics.log_loss(y, P, labels=classes)
    out["positive"] = str(pos)
    out["roc_auc"] = undefined_or(lambda: metrics.roc_auc_score(y == pos, score))
    out["pr_auc"] = metrics.average_precision_score(y == pos, score)
    if not isinstance(out["roc_auc"], dict):
        out["roc"] = roc_points(y, score, pos)
    return out


def multiclass(path, prob_prefix="p_"):
    rows = read_csv(path)
    y = np.array([r["y_true"] for r in rows])
    yp = np.array([r["y_pred"] for r in rows])
    pcols = [c for c in rows[0].keys() if c.startswith(prob_prefix)]
    pclasses = [c[len(prob_prefix):] for c in pcols]
    order = np.argsort(pclasses)
    pclasses = [pclasses[i] for i in order]
    P = np.array([[float(r[pcols[i]]) for i in order] for r in rows])
    out = classification(y, yp, sorted(set(y) | set(yp)))
    out["roc_auc"] = metrics.roc_auc_score(y, P, multi_class="ovr", average="macro", labels=pclasses)
    out["log_loss"] = metrics.log_loss(y, P, labels=pclasses)
    Y = label_binarize(y, classes=pclasses)
    per_roc, per_ap, curves = {}, {}, {}
    for j, c in enumerate(pclasses):
        per_roc[c] = metrics.roc_auc_score(Y[:, j], P[:, j])
        per_ap[c] = metrics.average_precision_score(Y[:, j], P[:, j])
        curves[c] = roc_points(Y[:, j], P[:, j], 1)
    out["per_class_roc_auc"] = per_roc
    out["per_class_pr_auc"] = per_ap
    out["pr_auc"] = float(np.mean([per_ap[c] for c in pclasses]))
    # average_precision_score's own macro over the binarized labels, the same number:
    out["pr_auc_sklearn_macro"] = metrics.average_precision_score(Y, P, average="macro")
    out["roc"] = curves
    return out


def regression(path, bins):
    rows = read_csv(path)
    yt = np.array([float(r["y_true"]) for r in rows])
    yp = np.array([float(r["y_pred"]) for r in rows])
    counts, edges = np.histogram(yt - yp, bins=bins)
    return {
        "mae": metrics.mean_absolute_error(yt, yp),
        "mse": metrics.mean_squared_error(yt, yp),
        "rmse": metrics.mean_squared_error(yt, yp, squared=False),
        "r2": metrics.r2_score(yt, yp),
        "max_error": metrics.max_error(yt, yp),
        "bins": bins,
        "hist_counts": [int(c) for c in counts],
        "hist_edges": floats(edges),
    }


def sturges(n):
    return int(np.ceil(np.log2(n))) + 1 if n > 1 else 1


def main():
    make_inputs()
    exp = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "binary_scores": binary("binary_scores.csv", "y_true", "y_pred", score_col="score"),
        "binary_strings": binary("binary_strings.csv", "label", "guess", prob_cols=["p_ham", "p_spam"], numeric=False),
        "binary_one_class": binary("binary_one_class.csv", "y_true", "y_pred", score_col="score"),
        "wine_multiclass": multiclass("wine_multiclass.csv"),
        "multiclass_ties": multiclass("multiclass_ties.csv"),
        "regression": regression("regression.csv", sturges(200)),
        "regression_constant": regression("regression_constant.csv", sturges(25)),
    }
    with open("expected.json", "w") as f:
        json.dump(exp, f, indent=1, default=float)
        f.write("\n")


if __name__ == "__main__":
    main()
