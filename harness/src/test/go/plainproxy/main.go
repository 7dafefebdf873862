// A plain TCP proxy in Go, for the link benchmarks only (docs/benchmarks.md): each connection is
// copied with io.Copy by one goroutine per direction, the least a Go proxy does per hop. Toxiproxy's
// data path does more (a reader, a toxic and a writer goroutine per direction, joined by channels),
// so where Toxiproxy cannot be built this stands in for it as an optimistic bound. It answers the two
// calls the bench makes of a Toxiproxy server: GET /version and POST /proxies.
//
//	go build -o plainproxy . && ./plainproxy -host 127.0.0.1 -port 8474
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
)

type proxyRequest struct {
	Name     string `json:"name"`
	Listen   string `json:"listen"`
	Upstream string `json:"upstream"`
}

func main() {
	host := flag.String("host", "127.0.0.1", "API host")
	port := flag.Int("port", 8474, "API port")
	flag.Parse()
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"version":"plainproxy"}`)
	})
	http.HandleFunc("/proxies", createProxy)
	log.Fatal(http.ListenAndServe(fmt.Sprintf("%s:%d", *host, *port), nil))
}

func createProxy(w http.ResponseWriter, r *http.Request) {
	var req proxyRequest
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, `{"error":"POST a proxy"}`, http.StatusBadRequest)
		return
	}
	listener, err := net.Listen("tcp", req.Listen)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusConflict)
		return
	}
	go accept(listener, req.Upstream)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]interface{}{"name": req.Name, "listen": listener.Addr().String(),
		"upstream": req.Upstream, "enabled": true})
}

func accept(listener net.Listener, upstream string) {
	for {
		client, err := listener.Accept()
		if err != nil {
			return
		}
		go func() {
			server, err := net.Dial("tcp", upstream)
			if err != nil {
				client.Close()
				return
			}
			done := make(chan struct{})
			go func() {
				pipe(server, client)
				close(done)
			}()
			pipe(client, server)
			<-done
			client.Close()
			server.Close()
		}()
	}
}

// pipe copies until the source ends, then passes the end on as a half-close, as a proxy must.
func pipe(to, from net.Conn) {
	io.Copy(to, from)
	if tcp, ok := to.(*net.TCPConn); ok {
		tcp.CloseWrite()
	} else {
		to.Close()
	}
}
