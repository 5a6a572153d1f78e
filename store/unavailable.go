package store

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err says that Postgres is away or cannot answer now, so that
// the same statement may succeed in a moment: it could not be reached (a connect error, 57P03
// while it starts), it ended the session (a restart or crash: 57P01, 57P02, 57P05 idle timeout,
// class 08), the connection broke in the middle (EOF, a reset, a closed connection), it gave up
// on the statement (57014, a timeout, class 53 insufficient resources), or it asked for the
// transaction to be tried again (40001 serialization, 40P01 deadlock, 40003 completion unknown).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) || errors.Is(err, pgconn.ErrConnClosed) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "57P05", "57014", "40001", "40P01", "40003":
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53")
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
