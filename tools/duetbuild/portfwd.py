"""Port forwards in user space, for `./build.py run --net --port` on an arm64
machine (no lab, so no QEMU hostfwd): 127.0.0.1:HOSTPORT on this machine to
the guest's address behind its tap. TCP: a connection per client with both
halves copied (a half-close is passed on); UDP: a socket per client address,
so replies find their way back."""
import select
import socket
import threading

BUF = 65536
UDP_IDLE_S = 120  # a UDP client's socket is dropped after this long without traffic


class Forwarder:
    def __init__(self, proto, host_port, to_addr, to_port, bind="127.0.0.1"):
        self.proto, self.to = proto, (to_addr, to_port)
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((bind, host_port))
        self.port = self.sock.getsockname()[1]
        if proto == "tcp":
            self.sock.listen(16)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tcp if proto == "tcp" else self._udp,
                                        daemon=True)
        self._thread.start()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()

    def _ready(self, socks, timeout=0.2):
        return select.select(socks, [], [], timeout)[0]

    def _tcp(self):
        while not self._stop.is_set():
            if not self._ready([self.sock]):
                continue
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._tcp_pair, args=(client,), daemon=True).start()

    def _tcp_pair(self, client):
        try:
            guest = socket.create_connection(self.to, timeout=10)
        except OSError:
            client.close()  # the guest refused or is not there: the client sees a close
            return
        guest.settimeout(None)
        peer = {client: guest, guest: client}
        open_ = {client, guest}
        try:
            while open_ and not self._stop.is_set():
                for s in self._ready(list(open_)):
                    data = s.recv(BUF)
                    if data:
                        peer[s].sendall(data)
                    else:  # EOF one way: pass the half-close on
                        open_.discard(s)
                        try:
                            peer[s].shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
        except OSError:
            pass
        finally:
            client.close()
            guest.close()

    def _udp(self):
        clients = {}  # client address -> [socket connected to the guest, idle seconds]
        while not self._stop.is_set():
            socks = [self.sock] + [c[0] for c in clients.values()]
            ready = self._ready(socks, 1.0)
            if not ready:
                for addr in [a for a, c in clients.items() if c[1] >= UDP_IDLE_S]:
                    clients.pop(addr)[0].close()
                for c in clients.values():
                    c[1] += 1
                continue
            for s in ready:
                try:
                    if s is self.sock:
                        data, addr = s.recvfrom(BUF)
                        if addr not in clients:
                            g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                            g.connect(self.to)
                            clients[addr] = [g, 0]
                        clients[addr][1] = 0
                        clients[addr][0].send(data)
                    else:
                        data = s.recv(BUF)
                        for addr, c in clients.items():
                            if c[0] is s:
                                c[1] = 0
                                self.sock.sendto(data, addr)
                except OSError:
                    continue  # an ICMP error from the guest's side: that datagram is lost
        for c in clients.values():
            c[0].close()
