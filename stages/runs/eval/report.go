package eval

// Report is one evaluation of a predictions file. Its JSON is what the store keeps, one per run
// and kind.
type Report struct {
	Kind    string  `json:"kind"` // KindClassification or KindRegression
	Source  string  `json:"source,omitempty"`
	Rows    int     `json:"rows"`
	Columns Columns `json:"columns"`
	// Notes say where a number follows a convention rather than the data (a precision of 0 for a
	// class never predicted, say), the way scikit-learn warns.
	Notes          []string        `json:"notes,omitempty"`
	Classification *Classification `json:"classification,omitempty"`
	Regression     *Regression     `json:"regression,omitempty"`
}

// Maybe is a metric the data may leave undefined, such as a ROC AUC when y_true holds a
// single class: then Value is nil and Reason says why.
type Maybe struct {
	Value  *float64 `json:"value,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

// Get returns the value and whether it is defined.
func (m Maybe) Get() (float64, bool) {
	if m.Value == nil {
		return 0, false
	}
	return *m.Value, true
}

func defined(v float64) Maybe { return Maybe{Value: &v} }

func undefined(reason string) Maybe { return Maybe{Reason: reason} }

// Classification holds the metrics of a classification, as scikit-learn computes them.
type Classification struct {
	// Labels are the classes of y_true and y_pred, sorted (numerically when all are numbers):
	// the order of Classes and of the confusion matrix's rows and columns.
	Labels   []string       `json:"labels"`
	Accuracy float64        `json:"accuracy"`
	Classes  []ClassMetrics `json:"classes"`
	Macro    Average        `json:"macro"`    // unweighted mean over Labels
	Weighted Average        `json:"weighted"` // mean weighted by support
	// Confusion[i][j] counts rows of true class Labels[i] predicted as Labels[j].
	Confusion [][]int64 `json:"confusion"`

	// Positive is the positive class of a two-class problem's ROC AUC and PR AUC, and ScoreFrom
	// the column its scores came from.
	Positive  string `json:"positive,omitempty"`
	ScoreFrom string `json:"score_from,omitempty"`
	// ROCAUC is the area under the ROC curve: of the positive class for two classes, else the
	// unweighted mean of the one-vs-rest areas over the probability columns' classes.
	ROCAUC Maybe `json:"roc_auc"`
	// PRAUC is the average precision (sklearn's average_precision_score, a step sum rather than
	// a trapezoid), of the positive class or the one-vs-rest mean as for ROCAUC.
	PRAUC Maybe `json:"pr_auc"`
	// LogLoss is the mean negative log-likelihood of y_true under the probabilities, each row
	// clipped to [eps, 1-eps] (eps the float64 machine epsilon) and normalized to sum to 1.
	LogLoss Maybe `json:"log_loss"`
	// ROC holds the curves to draw: the positive class's for two classes, else one per class.
	ROC []Curve `json:"roc,omitempty"`
}

// Average is an average of the per-class precision, recall and F1.
type Average struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// ClassMetrics are one class's metrics; a ratio whose denominator is 0 is 0, as in scikit-learn.
type ClassMetrics struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int64   `json:"support"`   // rows whose true label is this class
	Predicted int64   `json:"predicted"` // rows predicted as this class
	// ROCAUC and PRAUC are the one-vs-rest areas of a multiclass problem with probabilities.
	ROCAUC Maybe `json:"roc_auc,omitzero"`
	PRAUC  Maybe `json:"pr_auc,omitzero"`
}

// Curve is a ROC curve: scikit-learn's roc_curve points (with drop_intermediate), from (0, 0)
// to (1, 1); a long one keeps about maxCurvePoints of them (Thinned) for drawing.
type Curve struct {
	Class   string     `json:"class"`
	Points  []ROCPoint `json:"points"`
	Thinned bool       `json:"thinned,omitempty"`
}

// ROCPoint is a point of a ROC curve: the rates of rows scoring at least Threshold.
type ROCPoint struct {
	FPR float64 `json:"fpr"`
	TPR float64 `json:"tpr"`
	// Threshold is nil at the first point (0, 0), which stands above every score.
	Threshold *float64 `json:"threshold,omitempty"`
}

// Regression holds the metrics of a regression, as scikit-learn computes them.
type Regression struct {
	MAE      float64 `json:"mae"`
	MSE      float64 `json:"mse"`
	RMSE     float64 `json:"rmse"`
	R2       float64 `json:"r2"` // r2_score: 1 for a perfect fit of a constant y_true, 0 for any other fit of one
	MaxError float64 `json:"max_error"`
	// Residuals is the histogram of y_true - y_pred.
	Residuals Histogram `json:"residuals"`
}

// Histogram counts values in equal-width bins, as numpy.histogram does: bin i is
// [Edges[i], Edges[i+1]), the last one closed; len(Edges) = len(Counts)+1.
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int64   `json:"counts"`
}
