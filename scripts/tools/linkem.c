// Copied unchanged below this note from the development machine's shared tools (tools/linkem.c),
// so that a clone of this project builds it on its own. The kernel there has no netem.
// scripts/bench compiles it with `cc -O2` into its work directory.
// linkem LISTEN_PORT TARGET_PORT ONE_WAY_DELAY_US RATE_MBIT
// A TCP relay on 127.0.0.1 that emulates a link between client and server: every byte in
// each direction waits for the link's transmitter (RATE, shared by all connections in that
// direction) and then ONE_WAY_DELAY; a new connection can send only after one RTT (the
// handshake). Not modelled: TCP slow start / windows over the emulated RTT, packet loss.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

typedef struct chunk { struct chunk *next; int64_t at; size_t len, off; int eof; char data[]; } chunk;
typedef struct dir { int src, dst; chunk *head, *tail; size_t queued; int src_eof, dst_shut; int64_t ready_at; } dir;
struct conn;
typedef struct tag { struct conn *c; int side; } tag;
typedef struct conn { int fd[2]; dir d[2]; int dead; struct conn *next; uint32_t ev[2]; tag t[2]; int gone[2]; } conn;

static int64_t delay_ns, max_backlog_ns;
static double ns_per_byte;
static int64_t link_free[2];
static const size_t max_queue = 4u << 20, rdsz = 65536;
static conn *conns;
static int ep;

static int64_t now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static void nb(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); }

static void push(dir *d, int k, char *buf, ssize_t n, int64_t now) {
    chunk *c = malloc(sizeof *c + (n > 0 ? n : 0));
    c->next = NULL; c->off = 0; c->len = n > 0 ? n : 0; c->eof = n <= 0;
    int64_t start = link_free[k] > now ? link_free[k] : now;
    if (n > 0) { link_free[k] = start + (int64_t)(n * ns_per_byte); start = link_free[k]; memcpy(c->data, buf, n); }
    c->at = start + delay_ns;
    if (d->tail) d->tail->next = c; else d->head = c;
    d->tail = c; d->queued += c->len;
}

static void kill_conn(conn *c) { c->dead = 1; }

static void deliver(conn *c, dir *d, int64_t now) {
    while (d->head && d->head->at <= now && !c->dead) {
        chunk *h = d->head;
        if (h->eof) { shutdown(d->dst, SHUT_WR); d->dst_shut = 1; }
        else {
            ssize_t w = write(d->dst, h->data + h->off, h->len - h->off);
            if (w < 0) { if (errno == EAGAIN) return; kill_conn(c); return; }
            h->off += w; d->queued -= w;
            if (h->off < h->len) return;
        }
        d->head = h->next; if (!d->head) d->tail = NULL; free(h);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: linkem LISTEN TARGET DELAY_US RATE_MBIT\n"); return 2; }
    int lport = atoi(argv[1]), tport = atoi(argv[2]);
    delay_ns = atoll(argv[3]) * 1000LL;
    ns_per_byte = 8e9 / (atof(argv[4]) * 1e6);
    max_backlog_ns = 20000000LL; // 20 ms of queue at the link (a router buffer)
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(lport) }, t = a;
    a.sin_addr.s_addr = htonl(0x7f000001); t.sin_addr.s_addr = htonl(0x7f000001); t.sin_port = htons(tport);
    if (bind(ls, (void *)&a, sizeof a) || listen(ls, 128)) { perror("listen"); return 1; }
    nb(ls);
    ep = epoll_create1(0);
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
    static char buf[65536];
    for (;;) {
        int64_t now = now_ns(), next = INT64_MAX;
        conn **pp = &conns;
        while (*pp) {
            conn *c = *pp;
            for (int k = 0; k < 2; k++) deliver(c, &c->d[k], now);
            int done = c->dead || (c->d[0].dst_shut && c->d[1].dst_shut);
            if (done) {
                for (int k = 0; k < 2; k++) { if (!c->gone[k]) epoll_ctl(ep, EPOLL_CTL_DEL, c->fd[k], NULL); close(c->fd[k]);
                    while (c->d[k].head) { chunk *h = c->d[k].head; c->d[k].head = h->next; free(h); } }
                *pp = c->next; free(c); continue;
            }
            uint32_t want[2] = {0, 0};
            for (int k = 0; k < 2; k++) {
                dir *d = &c->d[k];
                int side_src = k, side_dst = 1 - k; // d[0]: fd[0] -> fd[1]
                if (!d->src_eof) {
                    int64_t backlog = link_free[k] - now;
                    if (now < d->ready_at) { if (d->ready_at < next) next = d->ready_at; }
                    else if (backlog >= max_backlog_ns) { int64_t w = link_free[k] - max_backlog_ns + 1; if (w < next) next = w; }
                    else if (d->queued < max_queue) want[side_src] |= EPOLLIN;
                }
                if (d->head) { if (d->head->at > now) { if (d->head->at < next) next = d->head->at; } else want[side_dst] |= EPOLLOUT; }
            }
            for (int s = 0; s < 2; s++) if (want[s] != c->ev[s] && !c->gone[s]) {
                struct epoll_event e = { .events = want[s], .data.ptr = &c->t[s] };
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd[s], &e); c->ev[s] = want[s];
            }
            pp = &c->next;
        }
        struct epoll_event evs[64];
        struct timespec ts, *tsp = NULL;
        if (next != INT64_MAX) { int64_t w = next - now_ns(); if (w < 0) w = 0; ts.tv_sec = w / 1000000000LL; ts.tv_nsec = w % 1000000000LL; tsp = &ts; }
        int n = epoll_pwait2(ep, evs, 64, tsp, NULL);
        now = now_ns();
        for (int i = 0; i < n; i++) {
            tag *tg = evs[i].data.ptr;
            if (!tg) {
                int cs;
                while ((cs = accept(ls, NULL, NULL)) >= 0) {
                    int ss = socket(AF_INET, SOCK_STREAM, 0);
                    if (connect(ss, (void *)&t, sizeof t)) { perror("connect"); close(cs); close(ss); continue; }
                    nb(cs); nb(ss);
                    conn *c = calloc(1, sizeof *c);
                    c->fd[0] = cs; c->fd[1] = ss;
                    c->d[0].src = cs; c->d[0].dst = ss; c->d[1].src = ss; c->d[1].dst = cs;
                    c->d[0].ready_at = now + 2 * delay_ns; // the handshake: the client's first byte leaves after one RTT
                    for (int s = 0; s < 2; s++) { c->t[s].c = c; c->t[s].side = s;
                        struct epoll_event e = { .events = 0, .data.ptr = &c->t[s] }; epoll_ctl(ep, EPOLL_CTL_ADD, c->fd[s], &e); }
                    c->next = conns; conns = c;
                }
                continue;
            }
            conn *c = tg->c; int s = tg->side;
            if (c->dead) continue;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                dir *d = &c->d[s]; // fd[s] is the source of d[s]
                if (!d->src_eof && (c->ev[s] & EPOLLIN)) {
                    ssize_t r = read(c->fd[s], buf, rdsz);
                    if (r > 0) push(d, s, buf, r, now);
                    else if (r == 0 || errno != EAGAIN) { d->src_eof = 1; push(d, s, buf, 0, now); }
                }
                if ((evs[i].events & (EPOLLHUP | EPOLLERR)) && d->src_eof && !c->gone[s]) { epoll_ctl(ep, EPOLL_CTL_DEL, c->fd[s], NULL); c->gone[s] = 1; }
            }
        }
    }
}
