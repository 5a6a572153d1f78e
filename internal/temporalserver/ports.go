package temporalserver

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// ports of the server's four services: gRPC and membership (ringpop) each, and the frontend's HTTP.
type ports struct {
	Frontend, FrontendHTTP, History, Matching, Worker                           int
	FrontendMembership, HistoryMembership, MatchingMembership, WorkerMembership int
}

// choosePorts takes the frontend's port from address and the others after it, as the server's
// own development configuration lays them out (7233, 7234, 7235, 7239, 7243; membership 6933…):
// from 7333, 7334, 7335, 7339, 7343 and 7033…. An empty address picks free ports.
func choosePorts(address string) (ports, error) {
	if address == "" {
		var free [9]int
		for i := range free {
			// Membership ports are kept in a smallint column: below the kernel's ephemeral range.
			p, err := freePortBelow(32768)
			if err != nil {
				return ports{}, err
			}
			free[i] = p
		}
		return ports{free[0], free[1], free[2], free[3], free[4], free[5], free[6], free[7], free[8]}, nil
	}
	_, portText, err := net.SplitHostPort(address)
	if err != nil {
		return ports{}, fmt.Errorf("temporal server address %q: %w", address, err)
	}
	p, err := strconv.Atoi(portText)
	if err != nil || p < 1024 || p > 65000 {
		return ports{}, fmt.Errorf("temporal server address %q: want a port between 1024 and 65000", address)
	}
	return ports{
		Frontend: p, History: p + 1, Matching: p + 2, Worker: p + 6, FrontendHTTP: p + 10,
		FrontendMembership: p - 300, HistoryMembership: p - 299, MatchingMembership: p - 298, WorkerMembership: p - 294,
	}, nil
}

func (p ports) byName() map[string]int {
	return map[string]int{
		"FrontendPort": p.Frontend, "FrontendHTTPPort": p.FrontendHTTP, "HistoryPort": p.History,
		"MatchingPort": p.Matching, "WorkerPort": p.Worker,
		"FrontendMembershipPort": p.FrontendMembership, "HistoryMembershipPort": p.HistoryMembership,
		"MatchingMembershipPort": p.MatchingMembership, "WorkerMembershipPort": p.WorkerMembership,
	}
}

// freePortBelow finds a port nobody listens on between 20000 and limit.
func freePortBelow(limit int) (int, error) {
	for range 200 {
		p := 20000 + rand.IntN(limit-20000)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err == nil {
			l.Close()
			return p, nil
		}
	}
	return 0, fmt.Errorf("temporal server: no free port below %d", limit)
}
