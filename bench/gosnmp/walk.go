// gosnmp-walk: gosnmp's BulkWalk of one root OID on one host, counting the varbinds (each
// touched and dropped), for the v3 benchmark (bench/results/2026-12-03-v3/run.sh).
//
// Built in GOPATH mode against Debian's golang-github-gosnmp-gosnmp-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o gosnmp-walk bench/gosnmp/walk.go
//
// Usage: gosnmp-walk HOST PORT ROOT REPS COMMUNITY            (v2c)
//
//	gosnmp-walk HOST PORT ROOT REPS -v3 USER AUTHPASS PRIVPASS CONTEXT   (authPriv SHA-256 + AES)
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/gosnmp/gosnmp"
)

func main() {
	if len(os.Args) < 6 {
		fmt.Fprintln(os.Stderr, "usage: gosnmp-walk HOST PORT ROOT REPS COMMUNITY | -v3 USER AUTHPASS PRIVPASS CONTEXT")
		os.Exit(2)
	}
	port, _ := strconv.Atoi(os.Args[2])
	reps, _ := strconv.Atoi(os.Args[4])
	g := &gosnmp.GoSNMP{
		Target:         os.Args[1],
		Port:           uint16(port),
		Timeout:        5 * time.Second,
		Retries:        1,
		MaxRepetitions: uint32(reps),
	}
	if os.Args[5] == "-v3" && len(os.Args) >= 10 {
		g.Version = gosnmp.Version3
		g.SecurityModel = gosnmp.UserSecurityModel
		g.MsgFlags = gosnmp.AuthPriv
		g.ContextName = os.Args[9]
		g.SecurityParameters = &gosnmp.UsmSecurityParameters{
			UserName:                 os.Args[6],
			AuthenticationProtocol:   gosnmp.SHA256,
			AuthenticationPassphrase: os.Args[7],
			PrivacyProtocol:          gosnmp.AES,
			PrivacyPassphrase:        os.Args[8],
		}
	} else {
		g.Version = gosnmp.Version2c
		g.Community = os.Args[5]
	}
	if err := g.Connect(); err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	defer g.Conn.Close()
	n := 0
	err := g.BulkWalk(os.Args[3], func(pdu gosnmp.SnmpPDU) error {
		n++
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "walk:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}
