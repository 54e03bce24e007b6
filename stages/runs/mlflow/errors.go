package mlflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/mlwb/mlwb/store"
)

// MLflow's error codes (databricks.proto's ErrorCode) that this API returns.
const (
	CodeInvalidParameterValue = "INVALID_PARAMETER_VALUE"
	CodeBadRequest            = "BAD_REQUEST"
	CodeResourceDoesNotExist  = "RESOURCE_DOES_NOT_EXIST"
	CodeResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
	CodeEndpointNotFound      = "ENDPOINT_NOT_FOUND"
	CodeUnauthenticated       = "UNAUTHENTICATED"
	CodeInternalError         = "INTERNAL_ERROR"
	CodeTemporarilyUnavailble = "TEMPORARILY_UNAVAILABLE"
)

// APIError is an error with the HTTP status and MLflow error code it is answered with.
type APIError struct {
	Status  int
	Code    string
	Message string
	err     error // the cause, if any
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Unwrap returns the cause.
func (e *APIError) Unwrap() error { return e.err }

func apiErr(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalidParam(format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, CodeInvalidParameterValue, format, args...)
}

func badRequest(format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, CodeBadRequest, format, args...)
}

func notFound(format string, args ...any) *APIError {
	return apiErr(http.StatusNotFound, CodeResourceDoesNotExist, format, args...)
}

func missingParam(name string) *APIError {
	return invalidParam("Missing value for required parameter '%s'. See the API docs for more information about request parameters.", name)
}

// toAPIError maps an error from the store or a decoder to what the client is told.
func toAPIError(err error) *APIError {
	var ae *APIError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, store.ErrNotFound):
		return &APIError{Status: http.StatusNotFound, Code: CodeResourceDoesNotExist, Message: err.Error(), err: err}
	case errors.Is(err, store.ErrExists):
		return &APIError{Status: http.StatusBadRequest, Code: CodeResourceAlreadyExists, Message: err.Error(), err: err}
	case errors.Is(err, store.ErrParamChanged):
		return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidParameterValue,
			Message: "Changing param values is not allowed: " + err.Error(), err: err}
	case errors.Is(err, store.ErrBadQuery), errors.Is(err, store.ErrDefaultExperiment), errors.Is(err, errWrongType):
		return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidParameterValue, Message: err.Error(), err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &APIError{Status: http.StatusServiceUnavailable, Code: CodeTemporarilyUnavailble, Message: err.Error(), err: err}
	}
	return &APIError{Status: http.StatusInternalServerError, Code: CodeInternalError, Message: err.Error(), err: err}
}
