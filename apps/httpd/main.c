/*
 * httpd: HTTP/1.0 over lwIP's raw TCP API. GET / is an index page; GET
 * /NAME sends file NAME of the tar archive on block device `www` (an empty
 * device, or none, serves only the index). One response per connection, then close.
 *     tar -cf www.tar -C site . && duet run --net:net0=tap0 --block:www=www.tar \
 *         httpd.duet.elf -- net0=10.0.2.2/24 [port=80] [for=SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duet/block.h"
#include "duet/netstack.h"
#include "duet/tcp_server.h"
#include "tarfs.h"

#define REQUEST_MAX 2048

struct conn {
    char req[REQUEST_MAX];
    size_t req_len;
    char head[1024];                 /* status line, headers, and a small body */
    size_t head_len, head_sent;
    const struct tarfs_file *file;   /* body from the archive, or NULL */
    uint64_t file_sent;
    int responding;
};

static uint64_t requests;

static void respond(struct conn *c, int status, const char *reason, const char *type,
                    const char *body, const struct tarfs_file *file, int head_only)
{
    unsigned long long len = file ? file->size : strlen(body);
    int n = snprintf(c->head, sizeof c->head,
                     "HTTP/1.0 %d %s\r\nServer: duet-httpd\r\nContent-Type: %s\r\n"
                     "Content-Length: %llu\r\nConnection: close\r\n\r\n%s",
                     status, reason, type, len, head_only || file ? "" : body);
    c->head_len = n < 0 ? 0 : (size_t)n < sizeof c->head ? (size_t)n : sizeof c->head - 1;
    c->file = head_only ? NULL : file;
    c->responding = 1;
}

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm")))
        return "text/html";
    if (dot && !strcmp(dot, ".txt"))
        return "text/plain";
    return "application/octet-stream";
}

static void index_page(struct conn *c, int head_only)
{
    static char page[768];
    size_t n = (size_t)snprintf(page, sizeof page, "<!DOCTYPE html>\n<html><head><title>Duet"
                                "</title></head><body><h1>Hello from a Duet unikernel</h1>\n<ul>\n");
    for (int i = 0; i < tarfs_count() && n < sizeof page - 160; i++) {
        const struct tarfs_file *f = tarfs_file(i);
        n += (size_t)snprintf(page + n, sizeof page - n, "<li><a href=\"/%.60s\">%.60s</a> %llu bytes</li>\n",
                              f->name, f->name, (unsigned long long)f->size);
    }
    snprintf(page + n, sizeof page - n, "</ul></body></html>\n");
    respond(c, 200, "OK", "text/html", page, NULL, head_only);
}

/* Once the request's header is complete: choose the response. */
static void handle_request(struct conn *c)
{
    requests++;
    char method[8], path[128];
    c->req[c->req_len] = '\0';
    if (sscanf(c->req, "%7s %127s HTTP/", method, path) != 2 || path[0] != '/') {
        respond(c, 400, "Bad Request", "text/plain", "bad request\n", NULL, 0);
        return;
    }
    int head = !strcmp(method, "HEAD");
    if (!head && strcmp(method, "GET")) {
        respond(c, 405, "Method Not Allowed", "text/plain", "GET or HEAD only\n", NULL, 0);
        return;
    }
    if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
        const struct tarfs_file *f = tarfs_lookup("index.html");
        if (f)
            respond(c, 200, "OK", "text/html", NULL, f, head);
        else
            index_page(c, head);
        return;
    }
    const struct tarfs_file *f = tarfs_lookup(path + 1);
    if (f)
        respond(c, 200, "OK", content_type(f->name), NULL, f, head);
    else
        respond(c, 404, "Not Found", "text/plain", "not found\n", NULL, head);
}

/* Queues as much of the response as the send buffer takes; closes when done. */
static void send_more(void *arg, struct tcp_pcb *pcb)
{
    struct conn *c = arg;
    static char chunk[4096];
    while (c->head_sent < c->head_len) {
        u16_t room = tcp_sndbuf(pcb);
        size_t n = c->head_len - c->head_sent;
        if (n > room)
            n = room;
        if (!n || tcp_write(pcb, c->head + c->head_sent, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            goto out;
        c->head_sent += n;
    }
    while (c->file && c->file_sent < c->file->size) {
        size_t room = tcp_sndbuf(pcb);
        if (room > sizeof chunk)
            room = sizeof chunk;
        int64_t n = room ? tarfs_read(c->file, c->file_sent, chunk, room) : 0;
        if (n <= 0 || tcp_write(pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            goto out;
        c->file_sent += (uint64_t)n;
    }
    tcp_output(pcb);
    tcp_server_close(pcb); /* lwIP still delivers what is queued, then FIN */
    free(c);
    return;
out:
    tcp_output(pcb);
}

static void on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p)
{
    struct conn *c = arg;
    if (!p) {
        tcp_server_close(pcb);
        free(c);
        return;
    }
    tcp_recved(pcb, p->tot_len);
    if (!c->responding) {
        size_t room = REQUEST_MAX - 1 - c->req_len;
        size_t n = p->tot_len < room ? p->tot_len : room;
        pbuf_copy_partial(p, c->req + c->req_len, (u16_t)n, 0);
        c->req_len += n;
        c->req[c->req_len] = '\0';
        if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
            handle_request(c);
        else if (c->req_len == REQUEST_MAX - 1)
            respond(c, 431, "Request Header Fields Too Large", "text/plain", "too large\n", NULL, 0);
        if (c->responding) {
            pbuf_free(p);
            send_more(c, pcb); /* may end the connection: c is gone then */
            return;
        }
    }
    pbuf_free(p);
}

static void *on_open(struct tcp_pcb *pcb)
{
    (void)pcb;
    return calloc(1, sizeof(struct conn));
}

static const struct tcp_server_ops http = { on_open, on_recv, send_more, free };

int main(int argc, char **argv)
{
    unsigned port = netstack_arg_uint(argc, argv, "port", 80);
    int disk = duet_block_open("www");
    int files = disk < 0 ? 0 : tarfs_mount(disk); /* no www: only the index */
    if (files < 0) {
        printf("httpd: block device www is not readable\n");
        return 1;
    }
    if (netstack_start(argc, argv) < 0 || tcp_server_listen(port, &http) < 0)
        return 1;
    printf("httpd: serving %d file(s) on port %u\n", files, port);
    fflush(stdout);
    netstack_serve(argc, argv);
    printf("httpd: %llu requests\n", (unsigned long long)requests);
    return 0;
}
